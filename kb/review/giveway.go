package review

import (
	"runtime"
	"time"
)

// GiveWay lets a refresh share the processors with the turns. Go lets a
// goroutine run 10 ms before it preempts it, so a refresh computing a
// chunk of chats held one of a two-core server's processors for 10 ms at a
// time, and the turns' goroutines and their pushes queued on the other: in
// the fan-out bench the window of the refresh's first pass had a
// post-to-push p99 of 51–85 ms against 12–16 ms when it gave way
// (docs/figures.md, session 25). A refresh calls Yield between small
// pieces of its work (a row read, a chat computed); once yieldEvery has
// passed since its last yield it yields the processor. A nil GiveWay never
// yields.
type GiveWay struct {
	last time.Time
}

// yieldEvery is how long a refresh runs between yields: a few turns'
// work, so that a turn waits behind it no longer than behind another turn.
const yieldEvery = 200 * time.Microsecond

// Yield yields the processor if yieldEvery has passed since the last
// yield.
func (g *GiveWay) Yield() {
	if g == nil {
		return
	}
	if now := time.Now(); now.Sub(g.last) >= yieldEvery {
		runtime.Gosched()
		g.last = time.Now()
	}
}
