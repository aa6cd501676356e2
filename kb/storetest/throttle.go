package storetest

import (
	"context"
	"testing"
	"time"
)

// LoginThrottleStore keeps the login throttle's counts of wrong passwords
// (web.LoginThrottleStore), where every server on the store sees them. The
// PostgreSQL store keeps them; a SQLite store serves one process, which
// counts in memory.
type LoginThrottleStore interface {
	LoginFailures(ctx context.Context, key string) (n int, first time.Time, err error)
	AddLoginFailure(ctx context.Context, key string, at time.Time, window time.Duration) error
	ClearLoginFailures(ctx context.Context, key string) error
}

func testLoginThrottle(t *testing.T, f Factory) {
	ctx := context.Background()
	store, clk := open(t, f)
	db, ok := store.(LoginThrottleStore)
	if !ok {
		t.Skipf("%T keeps no login counts: it serves one process, which counts in memory (web/throttle.go)", store)
	}
	const window = 15 * time.Minute
	count := func(key string) (int, time.Time) {
		t.Helper()
		n, first, err := db.LoginFailures(ctx, key)
		must(t, "read failures", err)
		return n, first
	}
	if n, first := count("xiaoli"); n != 0 || !first.IsZero() {
		t.Fatalf("a name never tried: %d since %v, want none", n, first)
	}
	start := clk.now()
	for range 3 {
		must(t, "count", db.AddLoginFailure(ctx, "xiaoli", clk.now(), window))
		clk.advance(time.Minute)
	}
	must(t, "count another name", db.AddLoginFailure(ctx, "xiaowang", clk.now(), window))
	if n, first := count("xiaoli"); n != 3 || !first.Equal(start) {
		t.Errorf("after 3 failures: %d since %v, want 3 since %v", n, first, start)
	}
	// A failure after the window starts the count over and sweeps counts
	// as old as that.
	clk.advance(window)
	must(t, "count after the window", db.AddLoginFailure(ctx, "xiaoli", clk.now(), window))
	if n, first := count("xiaoli"); n != 1 || !first.Equal(clk.now()) {
		t.Errorf("after the window: %d since %v, want 1 since %v", n, first, clk.now())
	}
	clk.advance(time.Minute)
	must(t, "count a third name", db.AddLoginFailure(ctx, "xiaozhang", clk.now(), window))
	if n, _ := count("xiaowang"); n != 0 {
		t.Errorf("a count older than the window is kept: %d", n)
	}
	must(t, "clear", db.ClearLoginFailures(ctx, "xiaoli"))
	if n, _ := count("xiaoli"); n != 0 {
		t.Errorf("after a success: %d failures, want none", n)
	}
	if n, _ := count("xiaozhang"); n != 1 {
		t.Errorf("clearing one name cleared another: %d", n)
	}
	must(t, "clear a name never tried", db.ClearLoginFailures(ctx, "nobody"))
}
