package promise

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestDefaultLexiconParses(t *testing.T) {
	lex, err := ParseLexicon("lexicon.txt", defaultLexicon)
	if err != nil {
		t.Fatal(err)
	}
	count := map[cat]int{}
	for _, e := range lex.entries {
		count[e.cat]++
	}
	for name, c := range sections {
		if count[c] == 0 {
			t.Errorf("embedded lexicon has no [%s] words", name)
		}
	}
	if Default() != Default() {
		t.Error("Default builds a new checker on every call")
	}
}

func TestParseLexiconErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"unknown section", "[ship]\n发货\n[shipping]\n", "admin.txt:3: unknown section [shipping]"},
		{"word before any section", "# words\n发货\n", "admin.txt:2:"},
		{"unclosed header", "[ship\n", "admin.txt:1: section header"},
		{"duplicate word", "[ship]\n发货\n[hedge]\n发货\n", "admin.txt:4: [hedge]: \"发货\" is already listed on line 2"},
		{"duplicate after folding", "[ship]\n发货\n\n[ship]\n發貨\n", "admin.txt:5:"},
		{"day without offset", "[day]\n明天\n", "admin.txt:2: [day] 明天: want word = days"},
		{"day with a bad offset", "[day]\n明天 = one\n", "admin.txt:2: [day] 明天: days \"one\""},
		{"day naming a missing part", "[day]\n明晚 = 1 夜晚\n", "admin.txt:2: [day] 明晚: part of day \"夜晚\""},
		{"daypart with bad hours", "[daypart]\n下午 = 18-12\n", "admin.txt:2: [daypart] 下午: hours"},
		{"soon without minutes", "[soon]\n马上\n", "admin.txt:2: [soon] 马上: want word = minutes"},
		{"value on a plain word", "\n[hedge]\n预计 = 1\n", "admin.txt:3: [hedge] 预计: takes no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLexicon("admin.txt", []byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadLexiconMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.txt")
	if _, err := LoadLexicon(path); err == nil || !strings.Contains(err.Error(), "none.txt") {
		t.Errorf("error = %v, want one naming the file", err)
	}
}

func TestLoadLexiconBadLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "promise.txt")
	writeFile(t, path, string(defaultLexicon)+"\n[soon]\n一眨眼 = soon\n")
	lines := strings.Count(string(defaultLexicon), "\n") + 3
	_, err := LoadLexicon(path)
	want := path + ":" + strconv.Itoa(lines) + ":"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want it to start with %q", err, want)
	}
}

// TestEditedLexiconChangesBehaviour plays what an admin does: copy the
// embedded file, add a word, load it, and see the checker follow.
func TestEditedLexiconChangesBehaviour(t *testing.T) {
	tests := []struct {
		name    string
		add     string
		text    string
		before  []bool
		after   []bool
		wordsIn string
	}{
		{"a new hedge word makes a promise an estimate", "[hedge]\n有望\n", "有望明天给您寄出", []bool{false}, []bool{true}, "有望明天给您寄出"},
		{"a new ship verb makes a promise", "[ship]\n交给快递\n", "今天交给快递", nil, []bool{false}, "今天交给快递"},
		{"a traditional entry is folded", "[negation]\n難說\n", "难说明天寄出", []bool{false}, nil, ""},
		{"a new soon word", "[soon]\n一眨眼 = 5\n", "一眨眼就给您寄出", nil, []bool{false}, "一眨眼就给您寄出"},
		{"a new lapse word drops the time it follows", "[lapsed]\n结束了\n", "今天的发货已经结束了", []bool{false}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "promise.txt")
			writeFile(t, path, string(defaultLexicon)+"\n"+tt.add)
			lex, err := LoadLexicon(path)
			if err != nil {
				t.Fatal(err)
			}
			edited := NewChecker(lex)
			if got := oks(Default().Check(tt.text, wedEvening, sneaker48)); !slices.Equal(got, tt.before) {
				t.Errorf("default lexicon: %v, want %v", got, tt.before)
			}
			vs := edited.Check(tt.text, wedEvening, sneaker48)
			if got := oks(vs); !slices.Equal(got, tt.after) {
				t.Errorf("edited lexicon: %v, want %v", got, tt.after)
			}
			if tt.wordsIn != "" && len(vs) > 0 && vs[0].Promise.Words != tt.wordsIn {
				t.Errorf("words = %q, want %q", vs[0].Promise.Words, tt.wordsIn)
			}
		})
	}
}

func oks(vs []Verdict) []bool {
	var out []bool
	for _, v := range vs {
		out = append(out, v.OK)
	}
	return out
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
