package main

import (
	"strings"
	"testing"
)

func TestConvert(t *testing.T) {
	var out strings.Builder
	n, err := convert(strings.NewReader("一心一意 20 i\nAA制 3 n\n\n孤字\n退货 12\n"), &out)
	if err != nil {
		t.Fatal(err)
	}
	if want := "一心一意 20\nAA制 3\n退货 12\n"; out.String() != want || n != 3 {
		t.Errorf("convert = %d, %q; want 3, %q", n, out.String(), want)
	}
	if _, err := convert(strings.NewReader("好 3\n#号 5 n\n"), &out); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a word starting with # gave %v, want an error naming line 2", err)
	}
}
