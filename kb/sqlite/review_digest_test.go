package sqlite

import (
	"context"
	"testing"
	"time"

	"assist/kb"
)

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
		d := db.digests.Take(1, "chat")
		if len(d.Turns) != i+1 || d.Next != i+1 || len(d.Shows) != i+1 || len(d.Members) != i+1 {
			t.Fatalf("after turn %d: %d turns (next %d), %d shows, members of %d turns digested; want %d of each",
				i, len(d.Turns), d.Next, len(d.Shows), len(d.Members), i+1)
		}
		db.digests.Put(d)
	}
}
