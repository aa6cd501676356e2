// Command longruns lists where a Go execution trace's goroutines ran long
// without blocking: on a two-core server a goroutine that runs 10 ms keeps
// one of two processors from every turn and push queued behind it (Go
// preempts only after 10 ms). docs/figures.md, issue 13 session 25.
//
//	assist bench -panels 10000 -rate 1000 -duration 40s -every 10s -unseen -trace run.trace
//	cd docs/tools/longruns && go run . ../../../run.trace 1ms
//
// It prints the GC's mark phases, the longest stretches (where the
// goroutine resumed, where it stopped, what made it) and the stretches
// over the threshold summed by the goroutine's origin. A stretch is
// running time as Go sees it: a thread the kernel took off its core in the
// middle still counts as running.
package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

type stretch struct {
	g       trace.GoID
	at      trace.Time
	d       time.Duration
	resumed string // where the goroutine had stopped before: where it ran from
	stopped string
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: longruns TRACE THRESHOLD (e.g. 1ms)")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	defer f.Close()
	threshold, err := time.ParseDuration(os.Args[2])
	if err != nil {
		fail(err)
	}
	r, err := trace.NewReader(f)
	if err != nil {
		fail(err)
	}
	var (
		first, gcStart trace.Time
		marks          [][2]trace.Time
		long           []stretch
		started        = map[trace.GoID]trace.Time{}
		lastStop       = map[trace.GoID]string{} // where each goroutine last stopped running
		origin         = map[trace.GoID]string{} // what made it, or where it was first seen stopping
	)
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		if first == 0 {
			first = ev.Time()
		}
		switch ev.Kind() {
		case trace.EventRangeBegin, trace.EventRangeEnd:
			if rg := ev.Range(); strings.HasPrefix(rg.Name, "GC concurrent mark") && rg.Scope.Kind == trace.ResourceNone {
				if ev.Kind() == trace.EventRangeBegin {
					gcStart = ev.Time()
				} else if gcStart != 0 {
					marks = append(marks, [2]trace.Time{gcStart, ev.Time()})
				}
			}
			continue
		case trace.EventStateTransition:
		default:
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		g := st.Resource.Goroutine()
		from, to := st.Goroutine()
		if from == trace.GoNotExist && origin[g] == "" {
			origin[g] = "made by " + frames(ev.Stack())
		}
		switch {
		case to == trace.GoRunning:
			started[g] = ev.Time()
		case from == trace.GoRunning:
			stop := frames(ev.Stack())
			if at, ok := started[g]; ok {
				if d := ev.Time().Sub(at); d >= threshold {
					long = append(long, stretch{g, at - first, d, lastStop[g], stop})
				}
				delete(started, g)
			}
			lastStop[g] = stop
			if origin[g] == "" && stop != "" {
				origin[g] = "seen stopping in " + stop
			}
		}
	}
	var marking time.Duration
	for _, m := range marks {
		marking += m[1].Sub(m[0])
		fmt.Printf("GC mark at %6.2f s, %5.1f ms\n", seconds(m[0]-first), ms(m[1].Sub(m[0])))
	}
	fmt.Printf("GC marking %.0f ms in all\n\n", ms(marking))

	slices.SortFunc(long, func(a, b stretch) int { return cmp.Compare(b.d, a.d) })
	fmt.Printf("the longest stretches over %v:\n", threshold)
	for _, s := range long[:min(len(long), 20)] {
		fmt.Printf("%6.2f ms at %6.2f s g%d (%s)\n    from %s\n    to   %s\n", ms(s.d), seconds(s.at), s.g, named(origin[s.g]), s.resumed, s.stopped)
	}

	type sum struct {
		n int
		d time.Duration
	}
	byOrigin := map[string]sum{}
	for _, s := range long {
		o := named(origin[s.g])
		byOrigin[o] = sum{byOrigin[o].n + 1, byOrigin[o].d + s.d}
	}
	keys := slices.Collect(func(yield func(string) bool) {
		for k := range byOrigin {
			if !yield(k) {
				return
			}
		}
	})
	slices.SortFunc(keys, func(a, b string) int { return cmp.Compare(byOrigin[b].d, byOrigin[a].d) })
	fmt.Printf("\nstretches over %v by goroutine:\n", threshold)
	for _, k := range keys {
		fmt.Printf("%5d %8.1f ms  %s\n", byOrigin[k].n, ms(byOrigin[k].d), k)
	}
}

// named is a goroutine's origin; the runtime's own goroutines (the
// collector's workers among them) carry no stacks in a trace.
func named(origin string) string {
	if origin == "" || origin == "made by " {
		return "no stack (the runtime's: GC workers, the tracer)"
	}
	return origin
}

// frames is the first four frames of s outside the runtime.
func frames(s trace.Stack) string {
	var out []string
	for f := range s.Frames() {
		if strings.HasPrefix(f.Func, "runtime.") || strings.HasPrefix(f.Func, "internal/") {
			continue
		}
		out = append(out, f.Func)
		if len(out) == 4 {
			break
		}
	}
	return strings.Join(out, " < ")
}

func ms(d time.Duration) float64   { return float64(d) / 1e6 }
func seconds(t trace.Time) float64 { return float64(t) / 1e9 }
func fail(err error)               { fmt.Fprintln(os.Stderr, "longruns:", err); os.Exit(1) }
