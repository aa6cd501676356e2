package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/storetest"
	"assist/kb/storetest/realsets"
)

// BenchmarkReviewLongChatPostgres is kb/sqlite's BenchmarkReviewLongChat on
// PostgreSQL: what the background refresh costs per turn while chats go on.
// 50 conversations of the same shop each take a turn (shown to its agent,
// one suggestion in four used), then the review is refreshed, as
// RefreshReviewEvery does every 30 s; 40 rounds.
//
//	ASSIST_TEST_POSTGRES=postgres://… go test ./kb/postgres -run '^$' -bench ReviewLongChat -benchtime 2x
func BenchmarkReviewLongChatPostgres(b *testing.B) {
	ctx := context.Background()
	mix, err := realsets.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer mix.Close()
	db, err := postgres.Open(ctx, storetest.PostgresDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for i, s := range mix.Shops {
		if info, err := db.ImportShop(ctx, s.Shop); err != nil || info.ID != int64(i+1) {
			b.Fatalf("import shop %d: %+v, %v", i, info, err)
		}
	}
	var mu sync.Mutex
	var pool []*kb.StoredTurn // the sets of one shop, to make long chats of
	if err := mix.Play(2000, func(turns []*kb.StoredTurn) error {
		mu.Lock()
		defer mu.Unlock()
		for _, st := range turns {
			if st.Shop == 1 {
				pool = append(pool, st)
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	if len(pool) < 100 {
		b.Fatalf("%d turns of shop 1 played", len(pool))
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
				st.Conversation, st.Index, st.At, st.IdempotencyKey = conv, r, at, ""
				if err := db.AddTurn(ctx, &st); err != nil {
					b.Fatal(err)
				}
				members, err := kb.SetMembers(st.Suggestions)
				if err != nil {
					b.Fatal(err)
				}
				if err := db.AddShows(ctx, kb.Show{Shop: 1, Conversation: conv, Turn: r, Agent: "agent-1", At: at, Members: members}); err != nil {
					b.Fatal(err)
				}
				if r%4 == 1 && len(members) > 0 {
					m := members[0]
					if err := db.AddEvents(ctx, kb.Event{Shop: 1, Conversation: conv, Turn: r, Agent: "agent-1",
						SuggestionID: m.ID, Kind: m.Kind, Action: kb.ActionUsed, At: at.Add(5 * time.Second)}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StartTimer()
			t0 := time.Now()
			n, err := db.RefreshReview(ctx, 1)
			refresh += time.Since(t0)
			b.StopTimer()
			if err != nil || n != convs {
				b.Fatalf("refreshed %d conversations, %v; want %d", n, err, convs)
			}
		}
	}
	b.ReportMetric(float64(refresh.Microseconds())/float64(iter*convs*rounds), "refresh-µs/turn")
}
