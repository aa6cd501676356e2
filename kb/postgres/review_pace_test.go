package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"assist/kb"
)

// paceShop opens a store with a shop and convs chats of one turn each,
// all marked for the review.
func paceShop(t *testing.T, convs int) (*DB, int64) {
	t.Helper()
	ctx := context.Background()
	db := openInstances(t, 1)[0]
	info, err := db.ImportShop(ctx, &kb.Shop{Name: "茶铺", ShipWithinHours: 48, Timezone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for i := range convs {
		if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: info.ID, Conversation: fmt.Sprintf("chat-%03d", i), Role: "buyer",
			Text: "这款有优惠吗", At: at, PostedBy: "token:qn", Suggestions: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	return db, info.ID
}

// TestClaimGoesRoundTheMarks: the refresh claims a shop's marked
// conversations round their order, so each is claimed within a round of
// the marks even when every one claimed is marked again at once (a chat's
// next turn) and a claim takes fewer than are marked.
func TestClaimGoesRoundTheMarks(t *testing.T) {
	db, shop := paceShop(t, 10)
	ctx := context.Background()
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	claimed := map[string]int{}
	var after string
	for round := range 8 { // two rounds of the ten, three at a time
		convs, err := claimDirty(ctx, conn, shop, 3, &after)
		if err != nil {
			t.Fatal(err)
		}
		if len(convs) != 3 {
			t.Fatalf("claim %d: %v, want 3", round, convs)
		}
		for _, c := range convs {
			claimed[c]++
		}
		// Vacuumed, the table gives the claimed marks' room to the marks
		// written next: in the table's own order they come first again.
		if _, err := conn.Exec(ctx, `VACUUM review_dirty`); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `INSERT INTO review_dirty (shop_id, conversation) SELECT $1, unnest($2::text[])`, shop, convs); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		if c := fmt.Sprintf("chat-%03d", i); claimed[c] < 2 {
			t.Errorf("%s claimed %d times in 24 claims of 10 conversations, want at least 2: %v", c, claimed[c], claimed)
		}
	}
}

// A background pass that leaves a shop on its budget is followed by the
// next at once, not at the next tick: one tick rolls up a backlog of many
// budgets' worth.
func TestBackgroundRefreshGoesOnWhileBehind(t *testing.T) {
	db, _ := paceShop(t, 3*refreshChunk+7)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	saved := background
	background.budget, background.idle = time.Nanosecond, 0 // a chunk a pass
	defer func() { background = saved }()
	var mu sync.Mutex
	var passes []bool
	caughtUp := make(chan struct{})
	reviewPassDone = func(behind bool) {
		mu.Lock()
		defer mu.Unlock()
		if passes = append(passes, behind); !behind {
			close(caughtUp)
		}
	}
	defer func() { reviewPassDone = nil }()
	ticks := make(chan time.Time, 1)
	ticks <- time.Now() // one tick, and no other
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		db.refreshOnTicks(ctx, ticks, func(err error) { t.Error(err) })
	}()
	select {
	case <-caughtUp:
	case <-time.After(60 * time.Second):
		mu.Lock()
		t.Fatalf("passes after one tick: %v; want them to go on until the marks are gone", passes)
	}
	cancel()
	<-stopped
	if marked, _, never, err := db.ReviewBacklog(context.Background()); err != nil || marked != 0 || never != 0 {
		t.Fatalf("after one tick: %d marked, %d never rolled up, %v; want none", marked, never, err)
	}
	if want := []bool{true, true, true, true, false}; !slices.Equal(passes, want) {
		t.Errorf("passes (behind or not) %v, want %v: a chunk each, then one that found nothing left", passes, want)
	}
}

// The background refresh pauses after each chunk three times as long as
// the chunk took; a page's refresh does not pause, and does not wait for
// a refresh of the shop already running in this instance.
func TestBackgroundRefreshIsPaced(t *testing.T) {
	db, shop := paceShop(t, 2*refreshChunk+1)
	ctx := context.Background()
	type chunk struct{ took, paused time.Duration }
	var chunks []chunk
	reviewChunkPaced = func(took, paused time.Duration) { chunks = append(chunks, chunk{took, paused}) }
	defer func() { reviewChunkPaced = nil }()

	l := db.shopRefresh(shop)
	l.mu.Lock()
	if n, err := db.RefreshReviewFor(ctx, shop, time.Minute); err != nil || n != 0 || len(chunks) != 0 {
		t.Fatalf("a page beside a running refresh: %d, %v, %d chunks; want it to answer at once, having done nothing", n, err, len(chunks))
	}
	l.mu.Unlock()

	n, stopped, err := db.refreshReview(ctx, shop, background)
	if err != nil || n != 2*refreshChunk+1 || stopped {
		t.Fatalf("background refresh: %d, %v, %v; want all %d", n, stopped, err, 2*refreshChunk+1)
	}
	if len(chunks) != 3 {
		t.Fatalf("chunks %+v, want 3", chunks)
	}
	for _, c := range chunks {
		if c.paused < 3*c.took {
			t.Errorf("a chunk took %v and the refresh paused %v after it, want at least 3 times as long", c.took, c.paused)
		}
	}

	chunks = nil
	paceShopTurn(t, db, shop, "chat-000")
	if n, err := db.RefreshReviewFor(ctx, shop, time.Minute); err != nil || n != 1 {
		t.Fatalf("a page's refresh: %d, %v; want 1", n, err)
	}
	if len(chunks) != 1 || chunks[0].paused > 50*time.Millisecond {
		t.Errorf("a page's refresh paused: %+v", chunks)
	}
}

// paceShopTurn writes the next turn of conv, marking it.
func paceShopTurn(t *testing.T, db *DB, shop int64, conv string) {
	t.Helper()
	if err := db.AddTurn(context.Background(), &kb.StoredTurn{Shop: shop, Conversation: conv, Index: 1, Role: "agent",
		Text: "有的", At: time.Date(2026, 11, 24, 10, 1, 0, 0, time.UTC), PostedBy: "xiaoli", Suggestions: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
}
