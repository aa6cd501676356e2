package main

import (
	"runtime/metrics"
	"syscall"
)

// heapCounts is what the server process allocated and collected, as
// counted by the runtime since it started. Two of them a run apart say how
// much a turn allocates: on two shared cores the collections that
// allocation brings (a quarter of the processors marking for a few hundred
// milliseconds, with a live heap of 10,000 sockets) and the first touches
// of fresh pages (docs/figures.md, session 23) are a part of the tail.
type heapCounts struct {
	Bytes, Objects, Cycles uint64
	// GCSeconds is the CPU the collector spent, the runtime's estimate; it
	// counts marking on processors that were idle, so a server with more
	// idle time can show more.
	GCSeconds float64
	// Faults is the process's minor page faults: the first touch of a page
	// (the heap's growth, stacks, C's memory), dear on a virtual machine.
	Faults int64
}

var heapCountNames = []string{
	"/gc/heap/allocs:bytes", "/gc/heap/allocs:objects", "/gc/cycles/total:gc-cycles", "/cpu/classes/gc/total:cpu-seconds",
}

// readHeapCounts reads the counters now.
func readHeapCounts() heapCounts {
	s := make([]metrics.Sample, len(heapCountNames))
	for i, n := range heapCountNames {
		s[i].Name = n
	}
	metrics.Read(s)
	var c heapCounts
	for i, p := range []*uint64{&c.Bytes, &c.Objects, &c.Cycles} {
		if s[i].Value.Kind() == metrics.KindUint64 {
			*p = s[i].Value.Uint64()
		}
	}
	if s[3].Value.Kind() == metrics.KindFloat64 {
		c.GCSeconds = s[3].Value.Float64()
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.Faults = ru.Minflt
	}
	return c
}

// allocFigures is what the server allocated and collected while the turns
// were posted.
type allocFigures struct {
	KiBPerTurn     float64 `json:"kib_per_turn"`
	ObjectsPerTurn float64 `json:"objects_per_turn"`
	Collections    uint64  `json:"collections"`
	// GCCPUPerTurnUS is the collector's CPU a turn, an estimate the
	// runtime keeps (it counts the time marking, assisting and sweeping).
	GCCPUPerTurnUS float64 `json:"gc_cpu_per_turn_us"`
	// FaultsPerTurn is the server process's minor page faults a turn.
	FaultsPerTurn float64 `json:"page_faults_per_turn"`
}

// allocsBetween is after less before, per turn of turns.
func allocsBetween(before, after heapCounts, turns int) allocFigures {
	n := float64(max(1, turns))
	return allocFigures{
		KiBPerTurn:     float64(after.Bytes-before.Bytes) / 1024 / n,
		ObjectsPerTurn: float64(after.Objects-before.Objects) / n,
		Collections:    after.Cycles - before.Cycles,
		GCCPUPerTurnUS: (after.GCSeconds - before.GCSeconds) * 1e6 / n,
		FaultsPerTurn:  float64(after.Faults-before.Faults) / n,
	}
}
