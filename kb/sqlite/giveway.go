package sqlite

import (
	"runtime"
	"time"
)

// giveWay lets a background pass share the processors with the turns. Go
// lets a goroutine run 10 ms before it preempts it, so a review refresh
// computing a chunk of chats held one of a two-core server's processors
// for 10 ms at a time, and the turns' goroutines and their pushes queued
// on the other: in the fan-out bench the window of the refresh's first
// pass had a post-to-push p99 of 51–53 ms against 12–15 ms when it gave
// way (docs/figures.md, session 25). A pass calls yield between small
// pieces of its work (a row read, a chat computed); once yieldEvery has
// passed since its last yield it yields the processor.
type giveWay struct {
	last time.Time
}

// yieldEvery is how long a background pass runs between yields: a few
// turns' work, so that a turn waits behind it no longer than behind
// another turn.
const yieldEvery = 200 * time.Microsecond

// refreshGivesWay switches the review refresh's yields, for the benchmark
// that compares them (BenchmarkWaitBesideARefresh).
var refreshGivesWay = true

func (g *giveWay) yield() {
	if !refreshGivesWay {
		return
	}
	if now := time.Now(); now.Sub(g.last) >= yieldEvery {
		runtime.Gosched()
		g.last = time.Now()
	}
}
