package lexfile

import (
	"strings"
	"testing"
)

func TestEach(t *testing.T) {
	data := "# a list\n\n[one]\nalpha   # trailing comment\n[ two ]\nbeta\n  gamma  \n"
	var got []string
	err := Each("w.txt", []byte(data), func(l Line) error {
		kind := "entry"
		if l.Header {
			kind = "header"
		}
		got = append(got, kind+":"+l.Section+":"+l.Text+":"+string(rune('0'+l.N)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "header:one:[one]:3 entry:one:alpha:4 header:two:[ two ]:5 entry:two:beta:6 entry:two:gamma:7"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestEachErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"unclosed header", "[one]\na\n[two\n", `w.txt:3: section header "[two" has no closing ]`},
		{"entry before a section", "\nalpha\n", `w.txt:2: "alpha" comes before any [section]`},
		{"callback error stops", "[one]\nbad\nnever\n", `w.txt:2: no`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Each("w.txt", []byte(tc.data), func(l Line) error {
				if l.Text == "bad" {
					return Errorf("w.txt", l.N, "no")
				}
				if l.Text == "never" {
					t.Error("read on after an error")
				}
				return nil
			})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %s", err, tc.want)
			}
		})
	}
}
