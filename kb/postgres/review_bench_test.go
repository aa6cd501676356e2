package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/review"
	"assist/kb/storetest"
)

// BenchmarkReviewPostgres is kb/sqlite's review benchmark on PostgreSQL:
// ASSIST_REVIEW_BENCH_CONVS conversations (10,000 unless set) of 6 turns
// over four weeks, 10 events each (3 suggestions shown per buyer turn, a
// use or a dismissal), 12 agents, 12 products, an order in one
// conversation out of three, copied straight into the tables (the triggers
// mark every conversation) and rolled up once (logged). Then each page's
// queries after the refresh a page makes first, and a turn's writes alone
// and while a manager's pages run back to back. Run with
//
//	ASSIST_TEST_POSTGRES=postgres://… go test ./kb/postgres -run '^$' -bench ReviewPostgres -benchtime 5x -count 1
func BenchmarkReviewPostgres(b *testing.B) {
	convs := 10_000
	if s := os.Getenv("ASSIST_REVIEW_BENCH_CONVS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("ASSIST_REVIEW_BENCH_CONVS=%q: want a positive number", s)
		}
		convs = n
	}
	ctx := context.Background()
	dsn := storetest.PostgresDSN(b)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ImportShop(ctx, &kb.Shop{Name: "测评茶铺", ShipWithinHours: 48, Timezone: "Asia/Shanghai"}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	events, err := generateReview(ctx, dsn, convs)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d conversations, %d turns, %d events in %v", convs, convs*6, events, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	n, err := db.RefreshReview(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first refresh (the rollup of all history): %d conversations in %v", n, time.Since(start).Round(time.Millisecond))

	week := review.Filter{From: "2026-11-16", To: "2026-11-22"}
	pages := []struct {
		name string
		run  func() error
	}{
		{"agents/all", func() error { _, err := db.ReviewAgents(ctx, 1, review.Filter{}); return err }},
		{"agents/week+agent", func() error {
			f := week
			f.Agent = "agent03"
			_, err := db.ReviewAgents(ctx, 1, f)
			return err
		}},
		{"suggestions/all", func() error { _, _, err := db.ReviewSuggestions(ctx, 1, review.Filter{}); return err }},
		{"suggestions/week", func() error { _, _, err := db.ReviewSuggestions(ctx, 1, week); return err }},
		{"suggestions/product", func() error {
			_, _, err := db.ReviewSuggestions(ctx, 1, review.Filter{Product: "p05"})
			return err
		}},
		{"conversations/behind-figure", func() error {
			_, err := db.ReviewConversations(ctx, 1, review.Filter{Agent: "agent03"}, "2026-W47", review.FigureConverted, 500)
			return err
		}},
	}
	b.Run("refresh/nothing-to-do", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.RefreshReview(ctx, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.RefreshReview(ctx, 1); err != nil { // what every page does first
					b.Fatal(err)
				}
				if err := p.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("turn/alone", func(b *testing.B) { measureTurns(b, db, false) })
	b.Run("turn/during-review", func(b *testing.B) { measureTurns(b, db, true) })
}

var liveConv atomic.Int64

// measureTurns reports the p50 and p99 of what a turn writes (AddTurn and
// two shown events, each turn a new conversation, so every page has
// something to roll up), with or without a manager's pages running beside.
func measureTurns(b *testing.B, db *postgres.DB, reading bool) {
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var pages atomic.Int64
	if reading {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				db.RefreshReviewFor(ctx, 1, 150*time.Millisecond) // as a page does
				db.ReviewSuggestions(ctx, 1, review.Filter{})
				db.ReviewAgents(ctx, 1, review.Filter{})
				pages.Add(1)
			}
		}()
	}
	var lat []time.Duration
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		for range 100 {
			conv := fmt.Sprintf("live%07d", liveConv.Add(1))
			start := time.Now()
			err := db.AddTurn(ctx, &kb.StoredTurn{Shop: 1, Conversation: conv, Index: 0, Role: "buyer", Text: "能便宜点吗",
				At: at, PostedBy: "token:qn", Suggestions: []byte(`{"product":"p01","nudges":[]}`)})
			if err == nil {
				err = db.AddEvents(ctx, kb.Event{Shop: 1, Conversation: conv, Agent: "agent01", Kind: "phrase", SuggestionID: "h01", Action: kb.ActionShown, At: at},
					kb.Event{Shop: 1, Conversation: conv, Agent: "agent01", Kind: "phrase", SuggestionID: "h02", Action: kb.ActionShown, At: at})
			}
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
			time.Sleep(20 * time.Millisecond) // 50 turns a second
		}
	}
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	if reading {
		b.ReportMetric(float64(pages.Load()), "pages")
	}
}

// generateReview copies convs conversations of shop 1 into the store's
// tables and returns how many events it wrote.
func generateReview(ctx context.Context, dsn string, convs int) (int, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	first := time.Date(2026, 11, 2, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var convRows, turnRows, eventRows, outcomeRows [][]any
	for c := range convs {
		conv := fmt.Sprintf("c%06d", c)
		agent := fmt.Sprintf("agent%02d", rng.IntN(12))
		product := fmt.Sprintf("p%02d", rng.IntN(12))
		at := first.Add(time.Duration(rng.IntN(28*24*3600)) * time.Second)
		convRows = append(convRows, []any{int64(1), conv, int32(6), "好的", at, at})
		for i := range 6 {
			role, who, nudges := "buyer", "token:qn", `[]`
			if i%2 == 1 {
				role, who = "agent", agent
				if rng.IntN(20) == 0 {
					nudges = `[{"kind":"shipping_promise","category":"ship"}]`
				}
			} else if rng.IntN(4) == 0 {
				nudges = `[{"kind":"upsell","category":"bargain"}]`
			}
			sugg := `{"conversation":"` + conv + `","turn":` + strconv.Itoa(i) + `,"product":"` + product + `","nudges":` + nudges + `}`
			turnRows = append(turnRows, []any{int64(1), conv, int32(i), role, "亲,您好,这款可以的", product, at, who, sugg})
			if i < 3 {
				for s := range 3 {
					kind, id := kb.SuggestionPhrase, fmt.Sprintf("h%02d", rng.IntN(25))
					if s == 0 && rng.IntN(3) == 0 {
						kind, id = kb.SuggestionNudge, []string{"upsell:bargain", "evidence:damaged", "shipping_promise:ship"}[rng.IntN(3)]
					}
					eventRows = append(eventRows, []any{int64(1), conv, int32(i * 2), agent, id, kind, "shown", at, int32(0), int32(0)})
				}
			}
			at = at.Add(time.Duration(5+rng.IntN(120)) * time.Second)
		}
		// The tenth event: a use, typed now and then, or a dismissal.
		action, typed := "used", rng.IntN(3) == 0
		if rng.IntN(3) == 0 {
			action, typed = "dismissed", false
		}
		edited := typed && rng.IntN(2) == 0
		shown := eventRows[len(eventRows)-9]
		eventRows = append(eventRows, []any{int64(1), conv, int32(0), agent, shown[4], shown[5], action, at, flag(typed), flag(edited)})
		if c%3 == 0 {
			paid := at.Add(10 * time.Minute)
			outcomeRows = append(outcomeRows, []any{int64(1), "pay-" + conv, conv, "order_paid", paid, int64(9900),
				`{"id":"pay-` + conv + `","conversation":"` + conv + `","kind":"order_paid","at":"` + paid.Format(time.RFC3339) + `","order":"o","amount":99.00}`, at})
		}
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"conversations", []string{"shop_id", "id", "turns", "last_text", "created_at", "updated_at"}, convRows},
		{"turns", []string{"shop_id", "conversation", "idx", "role", "text", "product", "at", "posted_by", "suggestions"}, turnRows},
		{"events", []string{"shop_id", "conversation", "turn", "agent", "suggestion_id", "kind", "action", "at", "typed", "edited"}, eventRows},
		{"outcomes", []string{"shop_id", "id", "conversation", "kind", "at", "amount", "details", "received_at"}, outcomeRows},
	} {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			return 0, fmt.Errorf("%s: %w", t.table, err)
		}
	}
	return len(eventRows), tx.Commit(ctx)
}

func flag(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
