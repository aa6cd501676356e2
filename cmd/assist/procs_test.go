package main

import (
	"runtime"
	"testing"
)

// A server on SQLite runs one processor more than Go chose, however often
// it starts, unless the operator set GOMAXPROCS.
func TestSpareProcessorForSQLite(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	t.Setenv("GOMAXPROCS", "")
	for range 2 {
		spareProcessorForSQLite()
		if got := runtime.GOMAXPROCS(0); got != defaultProcs+1 {
			t.Fatalf("GOMAXPROCS %d, want %d: one more than Go's %d", got, defaultProcs+1, defaultProcs)
		}
	}
	runtime.GOMAXPROCS(defaultProcs)
	t.Setenv("GOMAXPROCS", "1")
	spareProcessorForSQLite()
	if got := runtime.GOMAXPROCS(0); got != defaultProcs {
		t.Fatalf("GOMAXPROCS %d with the variable set, want Go's %d left alone", got, defaultProcs)
	}
}
