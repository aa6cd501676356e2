package sqlite

import (
	"fmt"
	"testing"

	"assist/kb/review"
)

// The digests keep at most their bound in turns, pushing out the least
// recently refreshed conversation; one taken is the caller's alone until it
// is put back; one with a gap in its turns is not kept.
func TestTurnDigestsAreBoundedAndKeepNoGap(t *testing.T) {
	ds := newTurnDigests(10)
	digest := func(conv string, idx ...int) {
		d := ds.take(1, conv)
		for _, i := range idx {
			d.add(review.Turn{Conversation: conv, Index: i}, review.QualityTurn{}, nil, "")
		}
		ds.put(d)
	}
	digest("a", 0, 1, 2, 3)
	digest("b", 0, 1, 2, 3)
	if d := ds.take(1, "a"); d.next != 4 || len(d.turns) != 4 {
		t.Fatalf("a: next %d, %d turns; want 4, 4", d.next, len(d.turns))
	} else {
		if again := ds.take(1, "a"); again.next != 0 {
			t.Fatal("a digest taken twice")
		}
		d.add(review.Turn{Conversation: "a", Index: 4}, review.QualityTurn{}, nil, "")
		ds.put(d) // a is now the most recent: 5 + 4 turns
	}
	digest("c", 0, 1, 2) // 12 turns: b, the least recent, goes
	if d := ds.take(1, "b"); d.next != 0 {
		t.Errorf("b kept past the bound: next %d", d.next)
	}
	if ds.turns > 10 {
		t.Errorf("%d turns kept, bound 10", ds.turns)
	}
	digest("gap", 0, 2)
	if d := ds.take(1, "gap"); d.next != 0 {
		t.Error("a digest with a gap was kept")
	}
	if d := ds.take(2, "c"); d.next != 0 {
		t.Error("another shop's conversation of the same name was given c's digest")
	}
	for i := range 100 { // far past the bound: the oldest go
		digest(fmt.Sprint("x", i), 0)
	}
	if ds.turns != 10 || ds.lru.Len() != 10 || len(ds.byKey) != 10 {
		t.Errorf("%d turns in %d digests (%d keys), want 10 in 10", ds.turns, ds.lru.Len(), len(ds.byKey))
	}
}
