package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"assist/kb"
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

// A refresh reads only what a chat added since the last: each turn and each
// show is digested once, however many refreshes meet them.
func TestRefreshDigestsEachTurnAndShowOnce(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for i := range 6 {
		if err := db.AddTurn(ctx, storedTurn("chat", i, "这款有优惠吗")); err != nil {
			t.Fatal(err)
		}
		if err := db.AddShows(ctx, kb.Show{Shop: 1, Conversation: "chat", Turn: i, Agent: "xiaoli", At: at.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshReview(ctx, 1); err != nil {
			t.Fatal(err)
		}
		d := db.digests.take(1, "chat")
		if len(d.turns) != i+1 || d.next != i+1 || len(d.shows) != i+1 || len(d.members) != i+1 {
			t.Fatalf("after turn %d: %d turns (next %d), %d shows, members of %d turns digested; want %d of each",
				i, len(d.turns), d.next, len(d.shows), len(d.members), i+1)
		}
		db.digests.put(d)
	}
}
