package review_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"assist/kb/review"
)

// One tick runs passes until one leaves nothing behind; a pass that fails
// waits for the next tick, whatever it said, and its error is reported.
func TestRefreshOnTicks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failed := errors.New("store down")
	// What each pass says, in order: behind three times, caught up; then
	// (after the second tick) behind but failing; then (third tick) caught up.
	script := []struct {
		behind bool
		err    error
	}{{true, nil}, {true, nil}, {true, nil}, {false, nil}, {true, failed}, {false, nil}}
	passes := 0
	pass := func(context.Context) (bool, error) {
		s := script[passes]
		passes++
		return s.behind, s.err
	}
	var said []bool
	done := make(chan bool, len(script))
	var errs []error
	ticks := make(chan time.Time)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		review.RefreshOnTicks(ctx, ticks, pass, func(err error) { errs = append(errs, err) }, func(behind bool) { done <- behind })
	}()
	wait := func(n int) {
		t.Helper()
		for range n {
			select {
			case b := <-done:
				said = append(said, b)
			case <-time.After(10 * time.Second):
				t.Fatalf("passes so far %v; waited for %d more", said, n)
			}
		}
	}
	ticks <- time.Now()
	wait(4)
	select {
	case b := <-done:
		t.Fatalf("a pass (%v) ran without a tick after one that caught up", b)
	case <-time.After(50 * time.Millisecond):
	}
	ticks <- time.Now()
	wait(1)
	select {
	case b := <-done:
		t.Fatalf("a pass (%v) ran without a tick after one that failed", b)
	case <-time.After(50 * time.Millisecond):
	}
	ticks <- time.Now()
	wait(1)
	cancel()
	<-stopped
	if want := []bool{true, true, true, false, false, false}; !slices.Equal(said, want) {
		t.Errorf("passes said %v, want %v (a failed pass is not behind)", said, want)
	}
	if len(errs) != 1 || !errors.Is(errs[0], failed) {
		t.Errorf("errors reported %v, want the one failure", errs)
	}
}
