package review

import (
	"fmt"
	"testing"
)

// The digests keep at most their bound in turns, pushing out the least
// recently refreshed conversation; one taken is the caller's alone until it
// is put back; one with a gap in its turns is not kept.
func TestDigestsAreBoundedAndKeepNoGap(t *testing.T) {
	ds := NewDigests(10)
	digest := func(conv string, idx ...int) {
		d := ds.Take(1, conv)
		for _, i := range idx {
			ds.AddTurn(d, Turn{Conversation: conv, Index: i, Role: Buyer}, "", "", nil)
		}
		ds.Put(d)
	}
	digest("a", 0, 1, 2, 3)
	digest("b", 0, 1, 2, 3)
	if d := ds.Take(1, "a"); d.Next != 4 || len(d.Turns) != 4 {
		t.Fatalf("a: next %d, %d turns; want 4, 4", d.Next, len(d.Turns))
	} else {
		if again := ds.Take(1, "a"); again.Next != 0 {
			t.Fatal("a digest taken twice")
		}
		ds.AddTurn(d, Turn{Conversation: "a", Index: 4, Role: Buyer}, "", "", nil)
		ds.Put(d) // a is now the most recent: 5 + 4 turns
	}
	digest("c", 0, 1, 2) // 12 turns: b, the least recent, goes
	if d := ds.Take(1, "b"); d.Next != 0 {
		t.Errorf("b kept past the bound: next %d", d.Next)
	}
	if ds.turns > 10 {
		t.Errorf("%d turns kept, bound 10", ds.turns)
	}
	digest("gap", 0, 2)
	if d := ds.Take(1, "gap"); d.Next != 0 {
		t.Error("a digest with a gap was kept")
	}
	if d := ds.Take(2, "c"); d.Next != 0 {
		t.Error("another shop's conversation of the same name was given c's digest")
	}
	for i := range 100 { // far past the bound: the oldest go
		digest(fmt.Sprint("x", i), 0)
	}
	if ds.turns != 10 || ds.lru.Len() != 10 || len(ds.byKey) != 10 {
		t.Errorf("%d turns in %d digests (%d keys), want 10 in 10", ds.turns, ds.lru.Len(), len(ds.byKey))
	}
}
