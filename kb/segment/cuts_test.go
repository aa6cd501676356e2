package segment

import (
	"fmt"
	"slices"

	"assist/kb/fold"
	"testing"
)

// A line cut again is given the kept tokens, the same as a fresh cut, and
// a caller appending to them cannot change what the next caller gets. (A
// word learned meanwhile is seen: TestCuttingNeverWaitsForAddWords cuts the
// same line before and after.)
func TestCutsAreKept(t *testing.T) {
	const line = "请问这件外套有加绒的款式吗"
	first := Tokens(line)
	again := Tokens(line)
	if len(first) == 0 || &first[0] != &again[0] {
		t.Fatalf("the second cut of %q was not the kept one", line)
	}
	c := reading()
	fresh := c.tokens(fold.String(line))
	c.mu.RUnlock()
	if !slices.Equal(again, fresh) {
		t.Errorf("kept tokens %v, a fresh cut %v", again, fresh)
	}
	grown := append(again, Token{Term: "多出来的"})
	if len(Tokens(line)) != len(fresh) || &grown[0] == &again[0] {
		t.Error("appending to kept tokens changed them")
	}
}

// The kept cuts stay within two generations of their room, whatever comes.
func TestCutsAreBounded(t *testing.T) {
	k := cuts{room: 4 << 10}
	for i := range 2000 {
		text := fmt.Sprintf("第%d句话", i)
		k.keep(text, []Token{{Term: text, End: len(text), Position: 1}})
	}
	total := 0
	for _, gen := range []map[string][]Token{k.cur, k.old} {
		for text, toks := range gen {
			total += cutCost(text, toks)
		}
	}
	if total > 2*k.room {
		t.Errorf("%d bytes kept, room is 2 × %d", total, k.room)
	}
	if _, ok := k.get("第1999句话"); !ok {
		t.Error("the latest line is not kept")
	}
	if _, ok := k.get("第0句话"); ok {
		t.Error("the first line is still kept after 2,000 more")
	}
	long := string(make([]byte, maxCutText+1))
	k.keep(long, nil)
	if _, ok := k.get(long); ok {
		t.Error("a text longer than a line was kept")
	}
}
