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
	dsn := storetest.PostgresDSN(t)
	var a, b *DB
	for _, p := range []**DB{&a, &b} {
		db, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		*p = db
	}
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
