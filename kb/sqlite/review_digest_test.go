package sqlite

import (
	"context"
	"fmt"
	"slices"
	"sync"
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

// The background refresh pauses after each chunk three times as long as
// the chunk worked, so that it takes a quarter of a core beside the turns
// rather than bursts of a whole one; a page's refresh does not pause.
func TestBackgroundRefreshPausesAfterEachChunk(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	const convs = 2*refreshChunk + 7
	for i := range convs {
		if err := db.AddTurn(ctx, storedTurn(fmt.Sprintf("chat-%03d", i), 0, "这款有优惠吗")); err != nil {
			t.Fatal(err)
		}
	}
	type chunk struct{ worked, paused time.Duration }
	var chunks []chunk
	reviewChunkPaced = func(worked, paused time.Duration) { chunks = append(chunks, chunk{worked, paused}) }
	defer func() { reviewChunkPaced = nil }()

	n, _, err := db.refreshReview(ctx, 1, background)
	if err != nil || n != convs {
		t.Fatalf("background refresh: %d conversations, %v; want %d", n, err, convs)
	}
	if len(chunks) != 3 {
		t.Fatalf("%d chunks, want 3 (%d conversations, %d a chunk)", len(chunks), convs, refreshChunk)
	}
	for i, c := range chunks {
		if c.worked <= 0 || c.paused < time.Duration(background.idle*float64(c.worked)) {
			t.Errorf("chunk %d worked %v and paused %v; want a pause of at least %g times the work", i, c.worked, c.paused, background.idle)
		}
	}

	chunks = nil
	if err := db.AddTurn(ctx, storedTurn("chat-000", 1, "什么时候发货")); err != nil {
		t.Fatal(err)
	}
	if n, err := db.RefreshReview(ctx, 1); err != nil || n != 1 {
		t.Fatalf("page refresh: %d conversations, %v; want 1", n, err)
	}
	if len(chunks) != 1 || chunks[0].paused != 0 {
		t.Errorf("a page's refresh paused: %+v", chunks)
	}
}

// A background pass that leaves a shop on its budget is followed by the
// next at once, not at the next tick: one tick rolls up a backlog of many
// budgets' worth.
func TestBackgroundRefreshGoesOnWhileBehind(t *testing.T) {
	db := openWithShop(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const convs = 3*refreshChunk + 7
	for i := range convs {
		if err := db.AddTurn(ctx, storedTurn(fmt.Sprintf("chat-%03d", i), 0, "这款有优惠吗")); err != nil {
			t.Fatal(err)
		}
	}
	saved := background
	background.budget = time.Nanosecond // a chunk a pass
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
	case <-time.After(30 * time.Second):
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
