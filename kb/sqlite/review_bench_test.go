package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/review"
)

// The review at the scale: 100,000 conversations of 6 turns over
// four weeks, 1,000,000 events (3 suggestions shown per turn to the agent,
// a use or a dismissal in most conversations), 12 agents, 12 products, an
// order in one conversation out of three. Generated once per process
// straight into the tables (the triggers mark every conversation), then
// rolled up by RefreshReview, whose time is logged: that is the one-off
// cost of a store upgraded with history. Run with
//
//	go test ./kb/sqlite -run '^$' -bench Review -benchtime 5x -count 1
//
// With ASSIST_REVIEW_BENCH_STORE=/some/file.db the generated store is kept
// in that file and later runs start from a copy of it (delete the file when
// the generator or the schema changes).

const (
	benchConvs  = 100_000
	benchEvents = 1_000_000
)

var benchStore struct {
	once sync.Once
	db   *DB
	dir  string
	err  error
}

func reviewBenchStore(b *testing.B) *DB {
	b.Helper()
	benchStore.once.Do(func() {
		benchStore.dir, benchStore.err = os.MkdirTemp("", "assist-review-bench-")
		if benchStore.err != nil {
			return
		}
		path := filepath.Join(benchStore.dir, "assist.db")
		saved := os.Getenv("ASSIST_REVIEW_BENCH_STORE")
		if saved != "" {
			if benchStore.err = copyStore(saved, path); benchStore.err == nil {
				b.Logf("store copied from %s (ASSIST_REVIEW_BENCH_STORE)", saved)
				benchStore.db, benchStore.err = Open(context.Background(), path)
				return
			} else if !os.IsNotExist(benchStore.err) {
				return
			}
		}
		benchStore.db, benchStore.err = generateReview(b, path)
		if benchStore.err == nil && saved != "" {
			if _, benchStore.err = benchStore.db.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); benchStore.err == nil {
				benchStore.err = copyStore(path, saved)
			}
		}
	})
	if benchStore.err != nil {
		b.Fatal(benchStore.err)
	}
	return benchStore.db
}

// copyStore copies a store whose log has been checkpointed into its file.
func copyStore(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o600)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchStore.db != nil {
		benchStore.db.Close()
		os.RemoveAll(benchStore.dir)
	}
	os.Exit(code)
}

func generateReview(b *testing.B, path string) (*DB, error) {
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, err := db.ImportShop(ctx, teaShop()); err != nil {
		return nil, err
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(3, 4))
	first := time.Date(2026, 11, 2, 0, 0, 0, 0, cst)
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	insert := func(table string, cols int, rows [][]any) error {
		if len(rows) == 0 {
			return nil
		}
		row := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
		q := "INSERT INTO " + table + " VALUES " + strings.TrimSuffix(strings.Repeat(row+",", len(rows)), ",")
		args := make([]any, 0, cols*len(rows))
		for _, r := range rows {
			args = append(args, r...)
		}
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	var convRows, turnRows, eventRows, outcomeRows [][]any
	flush := func(force bool) error {
		force = force || len(turnRows) >= 300 // conversations go in before their turns
		for _, t := range []struct {
			name string
			cols int
			rows *[][]any
		}{{"conversations (shop_id, id, turns, last_text, created_at, updated_at)", 6, &convRows},
			{"turns (shop_id, conversation, idx, role, text, product, at, posted_by, suggestions)", 9, &turnRows},
			{"events (shop_id, conversation, turn, agent, suggestion_id, kind, action, at, typed, edited)", 10, &eventRows},
			{"outcomes (shop_id, id, conversation, kind, at, amount, details, received_at)", 8, &outcomeRows}} {
			if force && len(*t.rows) > 0 || len(*t.rows) >= 3000/t.cols && t.cols != 9 && t.cols != 6 {
				if err := insert(t.name, t.cols, *t.rows); err != nil {
					return fmt.Errorf("%s: %w", t.name, err)
				}
				*t.rows = (*t.rows)[:0]
			}
		}
		return nil
	}
	events := 0
	for c := range benchConvs {
		conv := fmt.Sprintf("c%06d", c)
		agent := fmt.Sprintf("agent%02d", rng.IntN(12))
		product := fmt.Sprintf("p%02d", rng.IntN(12))
		at := first.Add(time.Duration(rng.IntN(28*24*3600)) * time.Second)
		convRows = append(convRows, []any{1, conv, 6, "好的", stamp(at), stamp(at)})
		perConv := benchEvents / benchConvs
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
			sugg := `{"conversation":"` + conv + `","turn":` + fmt.Sprint(i) + `,"product":"` + product + `","nudges":` + nudges + `}`
			turnRows = append(turnRows, []any{1, conv, i, role, "亲,您好,这款可以的", product, at.Format(time.RFC3339Nano), who, sugg})
			if i < 3 {
				for s := range 3 {
					kind, id := kb.SuggestionPhrase, fmt.Sprintf("h%02d", rng.IntN(25))
					if s == 0 && rng.IntN(3) == 0 {
						kind, id = kb.SuggestionNudge, []string{"upsell:bargain", "evidence:damaged", "shipping_promise:ship"}[rng.IntN(3)]
					}
					eventRows = append(eventRows, []any{1, conv, i * 2, agent, id, kind, "shown", stamp(at), 0, 0})
					events++
				}
			}
			at = at.Add(time.Duration(5+rng.IntN(120)) * time.Second)
		}
		if perConv > 9 { // the tenth event: a use, typed now and then, or a dismissal
			action, typed := "used", rng.IntN(3) == 0
			if rng.IntN(3) == 0 {
				action, typed = "dismissed", false
			}
			eventRows = append(eventRows, []any{1, conv, 0, agent, eventRows[len(eventRows)-9][4], eventRows[len(eventRows)-9][5], action, stamp(at), typed, typed && rng.IntN(2) == 0})
			events++
		}
		if c%3 == 0 {
			outcomeRows = append(outcomeRows, []any{1, "pay-" + conv, conv, "order_paid", stamp(at.Add(10 * time.Minute)), 9900,
				`{"id":"pay-` + conv + `","conversation":"` + conv + `","kind":"order_paid","at":"` + at.Add(10*time.Minute).Format(time.RFC3339) + `","order":"o","amount":99.00}`, stamp(at)})
		}
		if err := flush(false); err != nil {
			return nil, err
		}
	}
	if err := flush(true); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	b.Logf("generated %d conversations, %d turns, %d events in %v", benchConvs, benchConvs*6, events, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	n, err := db.RefreshReview(ctx, 1)
	if err != nil {
		return nil, err
	}
	b.Logf("first refresh (the rollup of all history): %d conversations in %v", n, time.Since(start).Round(time.Millisecond))
	return db, nil
}

// BenchmarkReviewPages times each page's queries, rollups fresh.
func BenchmarkReviewPages(b *testing.B) {
	db := reviewBenchStore(b)
	ctx := context.Background()
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
		{"suggestions/product+week", func() error {
			f := week
			f.Product = "p05"
			_, _, err := db.ReviewSuggestions(ctx, 1, f)
			return err
		}},
		{"conversations/behind-figure", func() error {
			_, err := db.ReviewConversations(ctx, 1, review.Filter{Agent: "agent03"}, "2026-W47", review.FigureConverted, 500)
			return err
		}},
	}
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
}

// BenchmarkTurnDuringReview measures what a turn writes (AddTurn and its
// shown events, each turn a new conversation, 50 a second) in four kinds of
// rounds, taken in turn so that each kind sees the same machine: quiet
// (nobody reading), pages (a page every pageEvery, or right after the last
// if that took longer: each refreshes for at most 150 ms, then reads the
// suggestions and the agents over the whole month), refresh (the background refresh catching up with
// reviewBacklogSize conversations that an outcome has just changed) and
// both. Checkpoints run beside every round, as in `assist serve`. Each round
// logs its turn p50/p99/max, its page times, how long the refresh's writes
// held the write lock, the log's length at the checkpoints and the load
// average; the metrics are the medians over the rounds of each kind.
// -benchtime Nx runs N rounds of each.
func BenchmarkTurnDuringReview(b *testing.B) {
	db := reviewBenchStore(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var wal []int
	var held []time.Duration
	go func() { // CheckpointEvery, as `assist serve` runs it, noting the log's length
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			var busy, log, done int
			if db.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done) == nil {
				mu.Lock()
				wal = append(wal, log)
				mu.Unlock()
			}
		}
	}()
	reviewWriteHeld = func(d time.Duration) {
		mu.Lock()
		held = append(held, d)
		mu.Unlock()
	}
	defer func() { reviewWriteHeld = nil }()
	turn := func() (time.Duration, error) {
		n := liveConvs.Add(1) // the benchmark runs more than once on one store
		conv := fmt.Sprintf("live%07d", n)
		at := time.Date(2026, 11, 29, 12, 0, 0, 0, cst)
		start := time.Now()
		err := db.AddTurn(ctx, &kb.StoredTurn{Shop: 1, Conversation: conv, Index: 0, Role: "buyer", Text: "能便宜点吗",
			At: at, PostedBy: "token:qn", Suggestions: []byte(`{"product":"p01","nudges":[]}`)})
		if err == nil {
			err = db.AddEvents(ctx, kb.Event{Shop: 1, Conversation: conv, Agent: "agent01", Kind: "phrase", SuggestionID: "h01", Action: kb.ActionShown, At: at},
				kb.Event{Shop: 1, Conversation: conv, Agent: "agent01", Kind: "phrase", SuggestionID: "h02", Action: kb.ActionShown, At: at})
		}
		return time.Since(start), err
	}
	kinds := []struct {
		name           string
		pages, refresh bool
	}{{"quiet", false, false}, {"pages", true, false}, {"refresh", false, true}, {"pages+refresh", true, true}}
	type round struct{ p50, p99 float64 }
	results := map[string][]round{}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for r := 0; r < b.N; r++ { // b.Loop would time the set-up of each round too
		for _, k := range kinds {
			if k.refresh {
				if err := reviewBacklog(ctx, db, int(backlogRounds.Add(1))); err != nil {
					b.Fatal(err)
				}
			}
			load, _ := os.ReadFile("/proc/loadavg")
			mu.Lock()
			wal, held = wal[:0], held[:0]
			mu.Unlock()
			rctx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			var pages []time.Duration
			if k.pages {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for rctx.Err() == nil {
						start := time.Now()
						db.RefreshReviewFor(rctx, 1, 150*time.Millisecond) // as a page does
						db.ReviewSuggestions(rctx, 1, review.Filter{})
						db.ReviewAgents(rctx, 1, review.Filter{})
						pages = append(pages, time.Since(start))
						time.Sleep(time.Until(start.Add(pageEvery)))
					}
				}()
			}
			refreshed := 0
			if k.refresh {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for rctx.Err() == nil {
						n, _, _ := db.refreshReview(rctx, 1, background) // as RefreshReviewEvery does
						refreshed += n
						if n == 0 {
							time.Sleep(10 * time.Millisecond)
						}
					}
				}()
			}
			var lat []time.Duration
			for range 200 {
				d, err := turn()
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, d)
				time.Sleep(20 * time.Millisecond) // 50 turns a second: a busy shop's peak many times over
			}
			stop()
			wg.Wait()
			mu.Lock()
			line := fmt.Sprintf("round %d %-13s turn p50 %6.2f ms p99 %6.2f ms max %6.2f ms", r+1, k.name,
				ms(pct(lat, 50)), ms(pct(lat, 99)), ms(pct(lat, 100)))
			if len(pages) > 0 {
				line += fmt.Sprintf("; %3d pages p50 %5.1f ms max %5.1f ms", len(pages), ms(pct(pages, 50)), ms(pct(pages, 100)))
			}
			if k.refresh {
				line += fmt.Sprintf("; %d refreshed", refreshed)
			}
			if len(held) > 0 {
				line += fmt.Sprintf("; %d refresh writes held the lock p50 %.2f ms p99 %.2f ms", len(held), ms(pct(held, 50)), ms(pct(held, 99)))
			}
			if len(wal) > 0 {
				slices.Sort(wal)
				line += fmt.Sprintf("; log at checkpoints p50 %d max %d pages", wal[len(wal)/2], wal[len(wal)-1])
			}
			mu.Unlock()
			b.Logf("%s; load %s", line, strings.Join(strings.Fields(string(load))[:3], " "))
			results[k.name] = append(results[k.name], round{ms(pct(lat, 50)), ms(pct(lat, 99))})
			if _, err := db.RefreshReview(ctx, 1); err != nil { // what the round left, untimed
				b.Fatal(err)
			}
		}
	}
	for _, k := range kinds {
		var p50, p99 []float64
		for _, r := range results[k.name] {
			p50, p99 = append(p50, r.p50), append(p99, r.p99)
		}
		slices.Sort(p50)
		slices.Sort(p99)
		name := strings.ReplaceAll(k.name, "+", "-")
		b.ReportMetric(p50[len(p50)/2], name+"-p50-ms")
		b.ReportMetric(p99[len(p99)/2], name+"-p99-ms")
	}
}

// pct is the p-th percentile of d (100: the largest); it sorts d.
func pct(d []time.Duration, p int) time.Duration {
	slices.Sort(d)
	return d[min(len(d)-1, len(d)*p/100)]
}

// BenchmarkReviewCatchUp rolls up reviewCatchUpSize conversations of
// history from nothing, as a store upgraded with that much history does
// (migration 007 marks every conversation), and reports conversations per
// second. It empties the rollups of the benchmark's store: run it alone.
func BenchmarkReviewCatchUp(b *testing.B) {
	db := reviewBenchStore(b)
	ctx := context.Background()
	var rate []float64
	for b.Loop() {
		b.StopTimer()
		if _, err := db.db.ExecContext(ctx, `DELETE FROM review_conv; DELETE FROM review_sugg_conv; DELETE FROM review_agent_day;
			DELETE FROM review_sugg_day; DELETE FROM review_sugg_pday; DELETE FROM review_dirty;
			INSERT INTO review_dirty (shop_id, conversation) SELECT shop_id, id FROM conversations WHERE id < ?`,
			fmt.Sprintf("c%06d", reviewCatchUpSize)); err != nil {
			b.Fatal(err)
		}
		db.digests.Reset() // a catch-up reads every turn: nothing digested before
		b.StartTimer()
		start := time.Now()
		n, err := db.RefreshReview(ctx, 1)
		if err != nil || n != reviewCatchUpSize {
			b.Fatalf("caught up with %d conversations, %v; want %d", n, err, reviewCatchUpSize)
		}
		rate = append(rate, float64(n)/time.Since(start).Seconds())
	}
	slices.Sort(rate)
	b.ReportMetric(rate[len(rate)/2], "conversations/s")
}

const reviewCatchUpSize = 20_000

// reviewBacklog gives reviewBacklogSize conversations an outcome each (a
// review left), as a burst from the platform would, so that the refresh has
// their rows to redo.
func reviewBacklog(ctx context.Context, db *DB, round int) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, cst)
	for i := range reviewBacklogSize {
		conv := fmt.Sprintf("c%06d", (round*reviewBacklogSize+i*7919)%benchConvs)
		id := fmt.Sprintf("review-%d-%s", round, conv)
		if _, err := tx.ExecContext(ctx, `INSERT INTO outcomes (shop_id, id, conversation, kind, at, amount, details, received_at)
			VALUES (1, ?, ?, 'review_left', ?, 0, ?, ?)`, id, conv, stamp(at),
			`{"id":"`+id+`","conversation":"`+conv+`","kind":"review_left","at":"`+at.Format(time.RFC3339)+`","rating":"good"}`, stamp(at)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

const reviewBacklogSize = 5000

// pageEvery paces the turn benchmark's pages: ten a second, far more than
// managers open, and each of them over the whole month.
const pageEvery = 100 * time.Millisecond

// backlogRounds numbers the backlogs, each on other conversations.
var backlogRounds atomic.Int64

// liveConvs numbers the conversations the turn benchmark opens.
var liveConvs atomic.Int64
