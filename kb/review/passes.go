package review

import (
	"context"
	"time"
)

// A Pass is one background pass of a store's refresh over its shops with
// marks; behind says it left a shop on its budget, with marks to go.
type Pass func(ctx context.Context) (behind bool, err error)

// RefreshOnTicks makes a pass at each tick until ctx ends. A pass that
// left a shop behind is followed by the next at once, not at the next
// tick: a shop whose chats take turns faster than a budget a tick rolls up
// would fall behind for good (10,000 chats at a real pace: 2,000 of 12,751
// never rolled up after 4 minutes; with the next pass at once, 750:
// docs/figures.md, session 28). A pass that fails waits for the next tick,
// and its error goes to onError. done, if not nil, is told after each pass
// whether it left a shop behind.
func RefreshOnTicks(ctx context.Context, ticks <-chan time.Time, pass Pass, onError func(error), done func(behind bool)) {
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
		behind, err = pass(ctx)
		if err != nil {
			behind = false
			if ctx.Err() == nil && onError != nil {
				onError(err)
			}
		}
		if done != nil {
			done(behind)
		}
	}
}
