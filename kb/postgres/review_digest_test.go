package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/storetest"
)

// A refresh reads only what a chat added since the last: each turn and each
// show is digested once, however many refreshes meet them, and none is
// missed while two instances record shows of the same chat at once.
func TestRefreshDigestsEachTurnAndShowOnce(t *testing.T) {
	ctx := context.Background()
	dbs := openInstances(t, 3)
	db := dbs[0]
	info, err := db.ImportShop(ctx, &kb.Shop{Name: "摘要茶铺", ShipWithinHours: 48, Timezone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	shop := info.ID
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	const turns = 6
	for i := range turns {
		if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: "chat", Index: i, Role: "buyer", Text: "这款有优惠吗",
			At: at.Add(time.Duration(i) * time.Minute), PostedBy: "token:qn",
			Suggestions: fmt.Appendf(nil, `{"conversation":"chat","turn":%d,"nudges":[{"kind":"upsell","category":"bargain"}]}`, i)}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddShows(ctx, kb.Show{Shop: shop, Conversation: "chat", Turn: i, Agent: "xiaoli", At: at.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshReview(ctx, shop); err != nil {
			t.Fatal(err)
		}
		d := db.digests.Take(shop, "chat")
		if len(d.Turns) != i+1 || d.Next != i+1 || len(d.Shows) != i+1 || len(d.Members) != i+1 {
			t.Fatalf("after turn %d: %d turns (next %d), %d shows, members of %d turns digested; want %d of each",
				i, len(d.Turns), d.Next, len(d.Shows), len(d.Members), i+1)
		}
		db.digests.Put(d)
	}

	// Two more instances push the chat's last set to panels, one show per
	// statement, while this one refreshes: every show is read once.
	const each = 150
	var wg sync.WaitGroup
	for w, other := range dbs[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := other.AddShows(ctx, kb.Show{Shop: shop, Conversation: "chat", Turn: turns - 1,
					Agent: fmt.Sprint("agent", w), At: at.Add(time.Hour + time.Duration(i)*time.Second)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		if _, err := db.RefreshReview(ctx, shop); err != nil {
			t.Fatal(err)
		}
	}
	d := db.digests.Take(shop, "chat")
	defer db.digests.Put(d)
	var ids []int64
	if err := db.pool.QueryRow(ctx, `SELECT array_agg(id ORDER BY id) FROM shows WHERE shop_id = $1`, shop).Scan(&ids); err != nil {
		t.Fatal(err)
	}
	if len(ids) != turns+2*each || len(d.Shows) != len(ids) || d.LastShow != ids[len(ids)-1] {
		t.Fatalf("%d shows stored (last id %d), %d digested (last id %d); want %d of each",
			len(ids), ids[len(ids)-1], len(d.Shows), d.LastShow, turns+2*each)
	}
	byAgent := map[string]int{}
	for _, s := range d.Shows {
		byAgent[s.Agent]++
	}
	if byAgent["agent0"] != each || byAgent["agent1"] != each {
		t.Errorf("shows digested per agent: %v; want %d of agent0 and agent1", byAgent, each)
	}
}

// openInstances opens n stores on one new schema, as n assist serve
// instances on one database.
func openInstances(t *testing.T, n int) []*DB {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	out := make([]*DB, n)
	for i := range out {
		db, err := Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		out[i] = db
	}
	return out
}
