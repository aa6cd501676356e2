package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/review"
	"assist/kb/storetest"
)

// instances opens n stores on one new schema, as n assist serve instances
// on one database.
func instances(t *testing.T, n int) []*postgres.DB {
	t.Helper()
	return instancesOn(t, storetest.PostgresDSN(t), n)
}

// instancesOn is instances on the schema of dsn.
func instancesOn(t *testing.T, dsn string, n int) []*postgres.DB {
	t.Helper()
	out := make([]*postgres.DB, n)
	for i := range out {
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		out[i] = db
	}
	return out
}

// Refreshes of one shop started at once on several instances, several per
// instance, count every conversation once: the figures are the
// hand-computed ones, whoever took which chunk.
func TestReviewRefreshAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 3)
	shop := storetest.SeedReview(t, dbs[0])
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, db := range dbs {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := db.RefreshReview(ctx, shop)
				if err != nil {
					t.Errorf("refresh: %v", err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if total != 3 {
		t.Errorf("9 refreshes at once recomputed %d conversations, want the 3 once", total)
	}
	for _, db := range dbs {
		storetest.CheckReviewFigures(t, db, shop)
	}
}

// Turns, events and outcomes written on two instances while a third
// refreshes again and again: once the writes end and one last refresh runs,
// the rollups equal a refresh from nothing (every conversation marked, none
// counted twice or left behind).
func TestReviewRefreshBesideWrites(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 3)
	info, err := dbs[0].ImportShop(ctx, &kb.Shop{Name: "并发茶铺", ShipWithinHours: 48, Timezone: "Asia/Shanghai",
		Phrases: []kb.Phrase{{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,套餐更划算"}}})
	if err != nil {
		t.Fatal(err)
	}
	shop := info.ID
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	const convs, turns = 40, 6
	stop := make(chan struct{})
	refreshed := make(chan error, 1)
	go func() {
		var err error
		for {
			select {
			case <-stop:
				refreshed <- err
				return
			default:
			}
			if _, e := dbs[2].RefreshReviewFor(ctx, shop, 50*time.Millisecond); e != nil && err == nil {
				err = e
			}
		}
	}()
	var wg sync.WaitGroup
	for w, db := range dbs[:2] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := w; c < convs; c += 2 {
				conv := fmt.Sprintf("c%02d", c)
				for i := range turns {
					role, who := "buyer", "token:qn"
					if i%2 == 1 {
						role, who = "agent", fmt.Sprintf("agent%d", c%3)
					}
					at := start.Add(time.Duration(c)*time.Hour + time.Duration(i)*time.Minute)
					set, _ := json.Marshal(map[string]any{"turn": i, "product": "p1", "nudges": []any{}})
					if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: conv, Index: i, Role: role,
						Text: "好的", At: at, PostedBy: who, Suggestions: set}); err != nil {
						t.Error(err)
						return
					}
					ev := kb.Event{Shop: shop, Conversation: conv, Turn: i, Agent: "agent0", Kind: kb.SuggestionPhrase,
						SuggestionID: "h1", Action: kb.ActionShown, At: at}
					if err := db.AddEvents(ctx, ev); err != nil {
						t.Error(err)
						return
					}
				}
				if c%4 == 0 {
					if _, err := db.AddOutcome(ctx, shop, &kb.Outcome{ID: "pay-" + conv, Conversation: conv, Kind: kb.OutcomeOrderPaid,
						At: start.Add(time.Duration(c)*time.Hour + time.Hour - time.Minute), Order: "o-" + conv, Amount: 100,
						Items: []kb.OrderItem{{Product: "p1", Quantity: 1}}}); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-refreshed; err != nil {
		t.Fatalf("refresh beside the writes: %v", err)
	}
	if _, err := dbs[1].RefreshReview(ctx, shop); err != nil {
		t.Fatal(err)
	}
	agents, err := dbs[0].ReviewAgents(ctx, shop, review.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	cons, responses, converted := 0, 0, 0
	for _, a := range agents {
		cons, responses, converted = cons+a.Consultations, responses+a.Responses, converted+a.Converted
	}
	if cons != convs || responses != convs*turns/2 || converted != convs/4 {
		t.Errorf("after writes beside refreshes: %d consultations, %d responses, %d converted; want %d, %d, %d",
			cons, responses, converted, convs, convs*turns/2, convs/4)
	}
	sugg, _, err := dbs[0].ReviewSuggestions(ctx, shop, review.Filter{})
	if err != nil || len(sugg) != 1 || sugg[0].Shown != convs*turns {
		t.Errorf("suggestions = %+v, %v; want h1 shown %d times", sugg, err, convs*turns)
	}
}

// One outcome retried on two instances at once is recorded once.
func TestOutcomeRetriedAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs := instances(t, 2)
	info, err := dbs[0].ImportShop(ctx, &kb.Shop{Name: "茶铺", ShipWithinHours: 48, Timezone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 20 {
		o := &kb.Outcome{ID: fmt.Sprintf("pay-%d", round), Conversation: "c1", Kind: kb.OutcomeOrderPaid,
			At: time.Date(2026, 11, 30, 10, round, 0, 0, time.UTC), Order: "o1", Amount: 100,
			Items: []kb.OrderItem{{Product: "p1", Quantity: 1}}}
		var wg sync.WaitGroup
		created := make([]bool, 4)
		for i := range created {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := dbs[i%2].AddOutcome(ctx, info.ID, o)
				if err != nil {
					t.Errorf("round %d: %v", round, err)
				}
				created[i] = c
			}()
		}
		wg.Wait()
		n := 0
		for _, c := range created {
			if c {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("round %d: %d of 4 posts created the outcome, want 1", round, n)
		}
	}
	if got, err := dbs[1].Outcomes(ctx, info.ID, "c1"); err != nil || len(got) != 20 {
		t.Errorf("outcomes = %d, %v; want 20", len(got), err)
	}
}

// TestReviewRefreshByDifference is kb/sqlite's on PostgreSQL: rollups kept
// up by refreshes between writes, each reading only the turns and shows the
// chats added since it last read them (kb/review.Digests), give the pages
// and the conversations' rows what a second instance rolls up from scratch.
func TestReviewRefreshByDifference(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresDSN(t)
	dbs := instancesOn(t, dsn, 2)
	info, err := dbs[0].ImportShop(ctx, &kb.Shop{Name: "差量茶铺", ShipWithinHours: 48, Timezone: "Asia/Shanghai",
		Phrases: []kb.Phrase{{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,套餐更划算"}}})
	if err != nil {
		t.Fatal(err)
	}
	shop := info.ID
	storetest.GrowReviewHistory(t, dbs[0], shop, nil)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	convRows := func() string {
		var out []string
		for _, q := range []string{`SELECT r::text FROM review_conv r ORDER BY conversation, agent, week`,
			`SELECT r::text FROM review_sugg_conv r ORDER BY conversation, kind, sid`} {
			rows, err := conn.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, lines...)
		}
		return strings.Join(out, "\n")
	}
	kept, keptRows := storetest.ReviewPages(t, dbs[0], shop), convRows()
	if _, err := conn.Exec(ctx, `DELETE FROM review_conv; DELETE FROM review_sugg_conv; DELETE FROM review_agent_day;
		DELETE FROM review_sugg_day; DELETE FROM review_sugg_pday;
		INSERT INTO review_dirty (shop_id, conversation) SELECT shop_id, id FROM conversations
			UNION SELECT shop_id, conversation FROM events UNION SELECT shop_id, conversation FROM outcomes
			ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	if _, err := dbs[1].RefreshReview(ctx, shop); err != nil { // an instance that has digested nothing
		t.Fatal(err)
	}
	storetest.ComparePages(t, kept, storetest.ReviewPages(t, dbs[1], shop))
	if fresh := convRows(); fresh != keptRows {
		t.Errorf("conversation rows kept up by differences differ from those rolled up from scratch:\nkept:\n%s\nscratch:\n%s", keptRows, fresh)
	}
}
