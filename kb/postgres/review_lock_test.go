package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/review"
	"assist/kb/storetest"
)

// A turn written on one instance while another instance's refresh has
// computed that conversation's rows but not yet written them, then a
// refresh on the first instance: the second refresh waits for the first
// (the shop's advisory lock), so the older rows never land over the newer
// and the rollup ends with the turn.
func TestReviewRefreshNeverWritesOlderRows(t *testing.T) {
	ctx := context.Background()
	dbs := openInstances(t, 2)
	a, b := dbs[0], dbs[1]
	info, err := a.ImportShop(ctx, &kb.Shop{Name: "茶铺", ShipWithinHours: 48, Timezone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	turn := func(db *DB, i int, role, who string) {
		t.Helper()
		if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: info.ID, Conversation: "c1", Index: i, Role: role, Text: "在的",
			At: at.Add(time.Duration(i) * time.Minute), PostedBy: who, Suggestions: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	turn(a, 0, "buyer", "token:qn")

	var once sync.Once
	bDone := make(chan error, 1)
	beforeRollupWrite = func(db *DB) {
		if db != a {
			return
		}
		once.Do(func() {
			// a has read c1 without a reply; the reply comes in through b,
			// and b refreshes.
			turn(b, 1, "agent", "xiaoli")
			go func() {
				_, err := b.RefreshReview(ctx, info.ID)
				bDone <- err
			}()
			select {
			case err := <-bDone:
				bDone <- err // b did not wait: a is about to write older rows over its
			case <-time.After(500 * time.Millisecond):
			}
		})
	}
	t.Cleanup(func() { beforeRollupWrite = nil })
	if _, err := a.RefreshReview(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	if err := <-bDone; err != nil {
		t.Fatal(err)
	}
	if n, err := a.RefreshReview(ctx, info.ID); err != nil || n != 0 {
		t.Fatalf("a last refresh: %d, %v; want nothing left", n, err)
	}
	agents, err := a.ReviewAgents(ctx, info.ID, review.Filter{})
	if err != nil || len(agents) != 1 || agents[0].Agent != "xiaoli" || agents[0].Replied != 1 {
		t.Errorf("agents = %+v, %v; want xiaoli, who replied (the rows written last are the newer)", agents, err)
	}
}

// A writer whose conversation is already marked, still in its transaction
// when a refresh runs: the refresh must not take the mark and read the
// conversation without the writer's record, or the record would be left
// out of the rollup until the conversation is written again. (Seen once in
// CI: a shown event missing after writes beside refreshes.)
func TestReviewRefreshBesideAnOpenWrite(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	info, err := db.ImportShop(ctx, &kb.Shop{Name: "茶铺", ShipWithinHours: 48, Timezone: "Asia/Shanghai",
		Phrases: []kb.Phrase{{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,套餐更划算"}}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: info.ID, Conversation: "c1", Index: 0, Role: "buyer", Text: "在吗",
		At: at, PostedBy: "token:qn", Suggestions: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	shown := func(turn int) kb.Event {
		return kb.Event{Shop: info.ID, Conversation: "c1", Turn: turn, Agent: "xiaoli", Kind: kb.SuggestionPhrase,
			SuggestionID: "h1", Action: kb.ActionShown, At: at.Add(time.Duration(turn) * time.Second)}
	}
	if err := db.AddEvents(ctx, shown(0)); err != nil { // c1 is marked, and stays so
		t.Fatal(err)
	}

	// The writer's event goes in, and its transaction stays open.
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	e := shown(1)
	if _, err := tx.Exec(ctx, `INSERT INTO events (shop_id, conversation, turn, agent, suggestion_id, kind, action, at, typed, edited)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0)`, e.Shop, e.Conversation, e.Turn, e.Agent, e.SuggestionID, e.Kind, string(e.Action), e.At); err != nil {
		t.Fatal(err)
	}
	refreshed := make(chan error, 1)
	go func() {
		_, err := db.RefreshReviewFor(ctx, info.ID, 0)
		refreshed <- err
	}()
	select {
	case err := <-refreshed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a refresh waited for a writer's open transaction")
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RefreshReview(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	sugg, _, err := db.ReviewSuggestions(ctx, info.ID, review.Filter{})
	if err != nil || len(sugg) != 1 || sugg[0].Shown != 2 {
		t.Errorf("suggestions = %+v, %v; want h1 shown twice (the event committed beside the refresh counts)", sugg, err)
	}
}
