package main

import (
	"os"
	"runtime"
)

// defaultProcs is the processors Go chose for this process at its start.
var defaultProcs = runtime.GOMAXPROCS(0)

// spareProcessorForSQLite gives the scheduler one processor more than Go
// chose, unless GOMAXPROCS is set. A goroutine in a call to SQLite's C keeps
// its processor until the call returns or the runtime's monitor takes the
// processor back, and a commit is a few such calls of tens of µs each: on
// two cores, one core sat idle through them while turns waited to run. With
// a spare processor the other Go code runs on both cores. In assist bench on two cores:
// HTTP turns a second +9–13%, the fan-out's p99 shorter; the server's CPU a
// turn the same (docs/figures.md, session 35). PostgreSQL is reached over
// the network, without C, and keeps Go's choice. (Once set, Go no longer
// follows a change of the container's CPU limit: a restart does.)
func spareProcessorForSQLite() {
	if os.Getenv("GOMAXPROCS") != "" {
		return // the operator chose
	}
	runtime.GOMAXPROCS(defaultProcs + 1)
}
