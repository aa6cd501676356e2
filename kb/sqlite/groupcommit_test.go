package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"assist/kb"
)

// Turns committed together stay apart in their outcome: a duplicate index
// fails alone, every other turn of the same moment is stored, and each
// writer is answered only once its turn is committed (it reads it back).
func TestGroupCommitKeepsTurnsApart(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	if err := db.AddTurn(ctx, storedTurn("dup", 0, "在吗")); err != nil {
		t.Fatal(err)
	}
	const writers = 32
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			turn := storedTurn(fmt.Sprintf("c%d", w), 0, "这款有优惠吗")
			if w%8 == 0 {
				turn = storedTurn("dup", 0, "再问一次") // index 0 is taken
			}
			if errs[w] = db.AddTurn(ctx, turn); errs[w] != nil {
				return
			}
			if _, err := db.Turn(ctx, 1, turn.Conversation, 0); err != nil {
				errs[w] = fmt.Errorf("answered before its commit: %w", err)
			}
		}(w)
	}
	wg.Wait()
	for w, err := range errs {
		switch {
		case w%8 == 0 && kb.ErrorCode(err) != kb.EConflict:
			t.Errorf("writer %d (duplicate): %v, want conflict", w, err)
		case w%8 != 0 && err != nil:
			t.Errorf("writer %d: %v", w, err)
		}
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM turns`).Scan(&n); err != nil || n != 1+writers-writers/8 {
		t.Errorf("stored %d turns, %v; want %d", n, err, 1+writers-writers/8)
	}
	// A refused turn leaves nothing behind: the conversation's count is
	// the one turn it holds, however its group was written.
	if c, err := db.Conversation(ctx, 1, "dup"); err != nil || c.Turns != 1 {
		t.Errorf("conversation dup: %+v, %v; want 1 turn", c, err)
	}
}

// After Close, a turn is refused, not left waiting.
func TestAddTurnAfterClose(t *testing.T) {
	db := openWithShop(t)
	db.Close()
	if err := db.AddTurn(context.Background(), storedTurn("c", 0, "在吗")); err == nil {
		t.Error("a turn after Close was accepted")
	}
}

// Close lets the group being committed finish and refuses the turns that
// wait for the next one: the first writer's turn is stored, the two that
// queued behind it are told the store closed, and Close returns only once
// the commit is done.
func TestCloseFinishesTheGroupBeingCommitted(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	var formed atomic.Int64
	db.turns.formed = func(n int) { formed.Add(int64(n)) }
	db.writes.Lock() // the first group waits here, its turn taken
	first := make(chan error, 1)
	go func() { first <- db.AddTurn(ctx, storedTurn("first", 0, "在吗")) }()
	waitFor(t, "the first turn taken into a group", func() bool { return formed.Load() == 1 })
	later := make(chan error, 2)
	for _, conv := range []string{"second", "third"} {
		go func() { later <- db.AddTurn(ctx, storedTurn(conv, 0, "在吗")) }()
	}
	waitFor(t, "two turns queued", func() bool { return db.turns.queued() == 2 })
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	waitFor(t, "the store closing", func() bool {
		db.turns.mu.Lock()
		defer db.turns.mu.Unlock()
		return db.turns.closed
	})
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a group was being committed", err)
	default:
	}
	db.writes.Unlock()
	if err := <-first; err != nil {
		t.Errorf("the turn being committed: %v", err)
	}
	for range 2 {
		if err := <-later; !errors.Is(err, errStoreClosed) {
			t.Errorf("a turn queued behind it: %v, want %v", err, errStoreClosed)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

// A commit that panics, run by the caller that led its group, leaves no
// turn waiting behind it: the panic reaches that caller, and the next turn
// commits as usual.
func TestAPanicInACommitPassesTheLead(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	var panicked atomic.Bool
	db.turns.formed = func(int) {
		if panicked.CompareAndSwap(false, true) {
			panic("a bug in the write")
		}
	}
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("the commit's panic did not reach AddTurn's caller")
			}
		}()
		db.AddTurn(ctx, storedTurn("bad", 0, "在吗"))
	}()
	next := make(chan error, 1)
	go func() { next <- db.AddTurn(ctx, storedTurn("next", 0, "在吗")) }()
	select {
	case err := <-next:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the turn after a panic still waits after 10 s")
	}
}

func waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !done(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
	}
}

// A read transaction (a conversation loaded, a shop read whole) never holds
// the write lock: a turn commits while one is open. The driver begins every
// transaction IMMEDIATE on the main pool, whatever ReadOnly says; there the
// turn below waited the whole busy timeout and failed "database is locked".
func TestReadTransactionsLeaveTheWriteLock(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	if err := db.AddTurn(ctx, storedTurn("read", 0, "在吗")); err != nil {
		t.Fatal(err)
	}
	tx, err := db.readTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM turns`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("read in the transaction: %d turns, %v", n, err)
	}
	done := make(chan error, 1)
	go func() { done <- db.AddTurn(ctx, storedTurn("write", 0, "有货吗")) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("a turn beside an open read transaction: %v", err)
		}
	case <-time.After(2 * time.Second): // the busy timeout is 5 s
		t.Fatal("a turn waited for an open read transaction")
	}
	// The read transaction keeps its snapshot, and writes nothing.
	if err := tx.QueryRow(`SELECT COUNT(*) FROM turns`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the snapshot moved: %d turns, %v; want 1", n, err)
	}
	if _, err := tx.Exec(`DELETE FROM turns`); err == nil {
		t.Error("a read transaction wrote")
	}
}

// A group waits for company only in a busy moment: turns arriving fast,
// from several writers at once. A lone writer's turns back to back are fast
// but never come together, and a wait would only slow each one. The wait is
// long enough to expect two more turns, within its bounds.
func TestGroupWaitsOnlyWhenBusy(t *testing.T) {
	for _, c := range []struct {
		name     string
		every    time.Duration // a turn arrives this often
		together func(i int) bool
		want     time.Duration
	}{
		{"16 writers at 4,000 turns/s", 250 * time.Microsecond, func(i int) bool { return i%4 != 0 }, minJoinWait},
		{"one writer at 8,000 turns/s", 125 * time.Microsecond, func(int) bool { return false }, 0},
		{"2,500 chats at 1,000 turns/s, one in ten beside a commit", time.Millisecond, func(i int) bool { return i%10 == 0 }, 2 * time.Millisecond},
		{"2,500 chats at 1,000 turns/s, one in fifty beside a commit", time.Millisecond, func(i int) bool { return i%50 == 0 }, 0},
		{"several writers at 800 turns/s", time.Second / 800, func(i int) bool { return i%2 == 0 }, maxJoinWait},
		{"several writers at 500 turns/s", time.Second / 500, func(i int) bool { return i%2 == 0 }, 0},
	} {
		var p pace
		now := time.Unix(0, 0)
		p.arrived(now, false) // the first window closes at once
		for i := 0; now.Before(time.Unix(1, 0)); i++ {
			now = now.Add(c.every)
			p.arrived(now, c.together(i))
		}
		if d := p.wait - c.want; d < -5*time.Microsecond || d > 5*time.Microsecond {
			t.Errorf("%s: waits %v, want %v", c.name, p.wait, c.want)
		}
	}
	// A busy moment passes: a quiet window after it is not busy.
	var p pace
	now := time.Unix(0, 0)
	for i := 0; i < 1600; i++ {
		now = now.Add(125 * time.Microsecond)
		p.arrived(now, true)
	}
	if p.wait != minJoinWait {
		t.Fatalf("8,000 turns/s together: waits %v, want %v", p.wait, minJoinWait)
	}
	for i := 0; i < 3; i++ {
		now = now.Add(100 * time.Millisecond)
		p.arrived(now, false)
	}
	if p.wait != 0 {
		t.Errorf("waits %v still after three quiet windows", p.wait)
	}
}

// One writer's turns back to back each commit alone, as they come: none
// waits for a companion that cannot come, however fast they come.
func TestALoneWriterIsNotGrouped(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	commits0, turns0 := db.GroupCommits()
	n := 0
	for start := time.Now(); n < 300 || time.Since(start) < 3*rateWindow; n++ {
		if err := db.AddTurn(ctx, storedTurn("lone", n, "在吗")); err != nil {
			t.Fatal(err)
		}
	}
	commits, turns := db.GroupCommits()
	if commits-commits0 != int64(n) || turns-turns0 != int64(n) {
		t.Errorf("%d turns in %d commits, want %d in %d", turns-turns0, commits-commits0, n, n)
	}
	db.turns.mu.Lock()
	wait := db.turns.pace.wait
	db.turns.mu.Unlock()
	if wait != 0 {
		t.Error("a lone writer's turns were taken for a busy moment")
	}
}

// Many chats' turns at 1,000–1,500 a second, each writer waiting for its
// answer before its next, share commits once the pace is read: the turns of
// one moment share a commit's page writes, and the wait costs only their
// answers.
func TestChatsAtAThousandTurnsASecondShareCommits(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	start := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Since(start) < 8*rateWindow; i++ {
				if err := db.AddTurn(ctx, storedTurn(fmt.Sprintf("chat%d", w), i, "这款有优惠吗")); err != nil {
					errs <- err
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	time.Sleep(4 * rateWindow)
	c0, t0 := db.GroupCommits()
	wg.Wait()
	c1, t1 := db.GroupCommits()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	commits, turns := c1-c0, t1-t0 // of the run's second half
	if commits == 0 || float64(turns)/float64(commits) < 1.5 {
		t.Errorf("%d turns in %d commits in the second half, want 1.5 a commit or more", turns, commits)
	}
}

// Turns that arrive while a commit is being written share the next one:
// with the write lock held elsewhere (a refresh's write, say), 16 writers'
// turns queue, and two commits hold them all.
func TestTurnsQueuedMeanwhileShareACommit(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	commits0, _ := db.GroupCommits()
	const writers = 16
	var grouped atomic.Int64 // turns in groups formed
	db.turns.formed = func(n int) { grouped.Add(int64(n)) }
	db.writes.Lock()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := db.AddTurn(ctx, storedTurn(fmt.Sprintf("w%d", w), 0, "这款有优惠吗")); err != nil {
				errs <- err
			}
		}()
	}
	// The first group waits for the lock; the other turns wait in the queue.
	for deadline := time.Now().Add(10 * time.Second); grouped.Load()+int64(db.turns.queued()) < writers; {
		if time.Now().After(deadline) {
			db.writes.Unlock()
			t.Fatalf("%d turns in a group, %d queued; want %d in all", grouped.Load(), db.turns.queued(), writers)
		}
		time.Sleep(time.Millisecond)
	}
	db.writes.Unlock()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	commits, turns := db.GroupCommits()
	if turns != writers || commits-commits0 > 2 {
		t.Errorf("%d turns in %d commits, want %d in at most 2", turns, commits-commits0, writers)
	}
}

// A leader waiting for company stops waiting once its group holds joinWant
// turns, and commits them together; a group that stays smaller waits its
// whole wait.
func TestAWaitEndsWhenTheGroupIsMade(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	var groups []int
	var mu sync.Mutex
	db.turns.formed = func(n int) {
		mu.Lock()
		groups = append(groups, n)
		mu.Unlock()
	}
	busy := func(wait time.Duration) {
		db.turns.mu.Lock()
		// A window that never closes: the pace stays as set.
		db.turns.pace = pace{start: time.Now().Add(time.Hour), wait: wait}
		db.turns.mu.Unlock()
	}
	post := func(convs ...string) <-chan error {
		errs := make(chan error, len(convs))
		for _, conv := range convs {
			go func() { errs <- db.AddTurn(ctx, storedTurn(conv, 0, "在吗")) }()
		}
		return errs
	}

	busy(time.Minute)
	start := time.Now()
	errs := post("lead")
	waitFor(t, "the leader waiting for company", func() bool {
		db.turns.mu.Lock()
		defer db.turns.mu.Unlock()
		return db.turns.company != nil
	})
	var others []string
	for i := 1; i < joinWant; i++ {
		others = append(others, fmt.Sprintf("c%d", i))
	}
	more := post(others...)
	for range joinWant {
		var err error
		select {
		case err = <-errs:
		case err = <-more:
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("a full group waited %v", d)
	}
	mu.Lock()
	if len(groups) != 1 || groups[0] != joinWant {
		t.Errorf("groups formed %v, want one of %d", groups, joinWant)
	}
	groups = nil
	mu.Unlock()

	const wait = 200 * time.Millisecond
	busy(wait)
	start = time.Now()
	errs = post("alone", "and-one")
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < wait {
		t.Errorf("a group of two short of %d answered after %v, before the %v wait", joinWant, d, wait)
	}
}
