package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"assist/kb"
)

// BenchLongChats is what the background refresh costs per turn while chats
// go on: 50 conversations of shop each take a turn (a set of pool, shown
// to its agent, one suggestion in four used), then the review is
// refreshed, as RefreshReviewEvery does every 30 s; 40 rounds. A real chat
// takes a turn every half minute or so, so each of its turns meets a
// refresh: the figure is the refresh's time per turn written.
func BenchLongChats(b *testing.B, db ReviewStore, shop int64, pool []*kb.StoredTurn) {
	ctx := context.Background()
	if len(pool) < 100 {
		b.Fatalf("%d turns to make chats of, want 100 or more", len(pool))
	}
	const convs, rounds = 50, 40
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var refresh time.Duration
	iter := 0
	b.StopTimer() // the writes are set-up: only the refreshes are timed
	for range b.N {
		iter++
		for r := range rounds {
			at := start.Add(time.Duration(iter*rounds+r) * 30 * time.Second)
			for c := range convs {
				src := pool[(iter*convs*rounds+c*rounds+r)%len(pool)]
				conv := fmt.Sprintf("long-%d-%d", iter, c)
				st := *src
				st.Shop, st.Conversation, st.Index, st.At, st.IdempotencyKey = shop, conv, r, at, ""
				if err := db.AddTurn(ctx, &st); err != nil {
					b.Fatal(err)
				}
				members, err := kb.SetMembers(st.Suggestions)
				if err != nil {
					b.Fatal(err)
				}
				if err := db.AddShows(ctx, kb.Show{Shop: shop, Conversation: conv, Turn: r, Agent: "agent-1", At: at, Members: members}); err != nil {
					b.Fatal(err)
				}
				if r%4 == 1 && len(members) > 0 {
					m := members[0]
					if err := db.AddEvents(ctx, kb.Event{Shop: shop, Conversation: conv, Turn: r, Agent: "agent-1",
						SuggestionID: m.ID, Kind: m.Kind, Action: kb.ActionUsed, At: at.Add(5 * time.Second)}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StartTimer()
			t0 := time.Now()
			n, err := db.RefreshReview(ctx, shop)
			refresh += time.Since(t0)
			b.StopTimer()
			if err != nil || n != convs {
				b.Fatalf("refreshed %d conversations, %v; want %d", n, err, convs)
			}
		}
	}
	b.ReportMetric(float64(refresh.Microseconds())/float64(iter*convs*rounds), "refresh-µs/turn")
}
