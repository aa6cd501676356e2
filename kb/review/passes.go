package review

import (
	"context"
	"time"
)

// Background is a store's background refresh: at each tick a pass over
// the shops with marks, each refreshed for at most its budget.
type Background struct {
	Shops func(ctx context.Context) ([]int64, error) // the shops with marks
	// Refresh refreshes one shop and says whether it stopped on its
	// budget, with marks to go.
	Refresh func(ctx context.Context, shop int64) (stopped bool, err error)
	OnError func(error)       // a pass's error (nil: dropped)
	Done    func(behind bool) // told after each pass whether it left a shop behind (a test's hook; nil: none)
}

// Run makes a pass at each tick until ctx ends. A pass that left a shop
// behind is followed by the next at once, not at the next tick: a shop
// whose chats take turns faster than a budget a tick rolls up would fall
// behind for good (10,000 chats at a real pace: 2,000 of 12,751 never
// rolled up after 4 minutes; with the next pass at once, 750:
// docs/figures.md, session 28). A pass that fails waits for the next tick.
func (b Background) Run(ctx context.Context, ticks <-chan time.Time) {
	behind := false
	for {
		if !behind {
			select {
			case <-ctx.Done():
				return
			case <-ticks:
			}
		} else if ctx.Err() != nil {
			return
		}
		var err error
		behind, err = b.pass(ctx)
		if err != nil {
			behind = false
			if ctx.Err() == nil && b.OnError != nil {
				b.OnError(err)
			}
		}
		if b.Done != nil {
			b.Done(behind)
		}
	}
}

// pass refreshes each shop with marks, and says whether it left one
// behind.
func (b Background) pass(ctx context.Context) (behind bool, err error) {
	shops, err := b.Shops(ctx)
	for _, shop := range shops {
		if err != nil {
			break
		}
		var stopped bool
		stopped, err = b.Refresh(ctx, shop)
		behind = behind || stopped
	}
	return behind, err
}

// Sleep waits d, or until ctx ends: a refresh's pause between its pieces
// of work.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
