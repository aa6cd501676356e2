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
// waits for the next tick, whatever its shops said, and its error is
// reported. A pass refreshes every shop with marks.
func TestBackgroundRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failed := errors.New("store down")
	// What each pass's shops say (two shops a pass), in order: one behind
	// three times, then both caught up; after the second tick one behind
	// and the other failing; after the third, caught up.
	type said struct {
		stopped bool
		err     error
	}
	script := [][2]said{
		{{true, nil}, {false, nil}}, {{false, nil}, {true, nil}}, {{true, nil}, {true, nil}}, {{false, nil}, {false, nil}},
		{{true, nil}, {false, failed}},
		{{false, nil}, {false, nil}},
	}
	passes, refreshed := 0, 0
	bg := review.Background{
		Shops: func(context.Context) ([]int64, error) { return []int64{1, 2}, nil },
		Refresh: func(_ context.Context, shop int64) (bool, error) {
			refreshed++
			s := script[passes][shop-1]
			if shop == 2 {
				passes++
			}
			return s.stopped, s.err
		},
	}
	var errs []error
	bg.OnError = func(err error) { errs = append(errs, err) }
	done := make(chan bool, len(script))
	bg.Done = func(behind bool) { done <- behind }
	ticks := make(chan time.Time)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		bg.Run(ctx, ticks)
	}()
	var behind []bool
	wait := func(n int) {
		t.Helper()
		for range n {
			select {
			case b := <-done:
				behind = append(behind, b)
			case <-time.After(10 * time.Second):
				t.Fatalf("passes so far %v; waited for %d more", behind, n)
			}
		}
		select {
		case b := <-done:
			t.Fatalf("a pass (%v) ran without a tick after %v", b, behind)
		case <-time.After(50 * time.Millisecond):
		}
	}
	ticks <- time.Now()
	wait(4)
	ticks <- time.Now()
	wait(1)
	ticks <- time.Now()
	wait(1)
	cancel()
	<-stopped
	if want := []bool{true, true, true, false, false, false}; !slices.Equal(behind, want) {
		t.Errorf("passes said %v, want %v (a failed pass is not behind)", behind, want)
	}
	if refreshed != 2*len(script) {
		t.Errorf("%d shops refreshed in %d passes, want both each time", refreshed, len(script))
	}
	if len(errs) != 1 || !errors.Is(errs[0], failed) {
		t.Errorf("errors reported %v, want the one failure", errs)
	}
}

// Sleep waits its time, or returns at once when ctx ends.
func TestSleep(t *testing.T) {
	start := time.Now()
	if err := review.Sleep(context.Background(), 20*time.Millisecond); err != nil || time.Since(start) < 20*time.Millisecond {
		t.Errorf("Sleep(20 ms) returned %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start = time.Now()
	if err := review.Sleep(ctx, time.Minute); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("Sleep(1 min) on an ended context returned %v after %v", err, time.Since(start))
	}
}
