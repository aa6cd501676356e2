package main

import (
	"math"
	"runtime/metrics"
)

// schedLatencies is Go's histogram of how long goroutines waited runnable
// for a processor to run on: on two cores shared by thousands of sockets,
// a turn's hand-offs (to the next group's leader, to the writers) each wait
// there, and the tail of post-to-push is made of those waits more than of
// any one step's work.
const schedLatencies = "/sched/latencies:seconds"

// schedSample reads the histogram now.
func schedSample() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: schedLatencies}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// schedWaits is the percentiles, in milliseconds, of the waits counted
// between before and after (two samples of one process).
func schedWaits(before, after *metrics.Float64Histogram) percentiles {
	if before == nil || after == nil || len(before.Counts) != len(after.Counts) {
		return percentiles{}
	}
	counts := make([]uint64, len(after.Counts))
	var total uint64
	for i := range counts {
		counts[i] = after.Counts[i] - before.Counts[i]
		total += counts[i]
	}
	if total == 0 {
		return percentiles{}
	}
	// Each bucket reads as its upper bound (the last, unbounded, as its
	// lower): the figures are at most a bucket too high.
	at := func(q float64) float64 {
		want := uint64(math.Ceil(q * float64(total)))
		var seen uint64
		for i, c := range counts {
			seen += c
			if seen >= want {
				hi := after.Buckets[i+1]
				if math.IsInf(hi, 1) {
					hi = after.Buckets[i]
				}
				return hi * 1e3
			}
		}
		return after.Buckets[len(after.Buckets)-1] * 1e3
	}
	return percentiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: at(1)}
}
