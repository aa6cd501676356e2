package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
)

// The fan-out target is a ratio: post-to-push p99 against the raw floor's
// on the same machine. One 10-second run of either moves 2–3× from one
// minute to the next here, so one pair says little; -beside-floor runs
// rounds of the two, alternating, and reports each round's ratio and their
// median. Each run is a process of its own: the floor must not carry the
// dictionary and heap a server before it left in the same process.

// besideRound is one round: assist serve, then the floor, the same job.
type besideRound struct {
	Assist *benchReport `json:"assist"`
	Floor  *benchReport `json:"floor"`
	Ratio  float64      `json:"p99_over_floor"`
}

// besideReport is what -beside-floor prints with -json. MediansRatio is
// our median p99 over the floor's median p99: a round's ratio moves with
// the floor's p99 as much as with ours (the floor alone moves tenfold
// between runs on a noisy machine), and each median is steadier.
type besideReport struct {
	Rounds       []besideRound `json:"rounds"`
	MedianRatio  float64       `json:"median_p99_over_floor"`
	AtMostTwice  int           `json:"rounds_at_most_2x"`
	MediansRatio float64       `json:"median_p99_over_median_floor_p99"`
}

// runBench runs one bench with args (-json among them) and returns its
// report; nil in benchCmd starts this binary again (execBench).
type runBench func(ctx context.Context, args []string, stderr io.Writer) (*benchReport, error)

// execBench runs assist bench args in a process of its own.
func execBench(ctx context.Context, args []string, stderr io.Writer) (*benchReport, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, append([]string{"bench"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bench %v: %w", args, err)
	}
	var rep benchReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("bench %v: its report: %w", args, err)
	}
	return &rep, nil
}

// besideArgs is the flags fs was given, but -beside-floor and -json, to
// run each round with.
func besideArgs(fs *flag.FlagSet) []string {
	var args []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "beside-floor" && f.Name != "json" {
			args = append(args, "-"+f.Name+"="+f.Value.String())
		}
	})
	return append(args, "-json")
}

// besideFloor runs rounds of assist serve and the floor with args.
func besideFloor(ctx context.Context, run runBench, args []string, rounds int, stderr io.Writer) (*besideReport, error) {
	rep := &besideReport{}
	var ratios, ourP99, floorP99 []float64
	for i := range rounds {
		fmt.Fprintf(stderr, "bench: round %d of %d beside the floor\n", i+1, rounds)
		ours, err := run(ctx, args, stderr)
		if err != nil {
			return nil, err
		}
		floor, err := run(ctx, append(slices.Clone(args), "-floor"), stderr)
		if err != nil {
			return nil, err
		}
		r := besideRound{Assist: ours, Floor: floor}
		if floor.Result.Latency.P99 > 0 {
			r.Ratio = ours.Result.Latency.P99 / floor.Result.Latency.P99
		}
		if r.Ratio > 0 && r.Ratio <= 2 { // a floor without a p99 (no push) says nothing
			rep.AtMostTwice++
		}
		rep.Rounds = append(rep.Rounds, r)
		ratios = append(ratios, r.Ratio)
		ourP99 = append(ourP99, ours.Result.Latency.P99)
		floorP99 = append(floorP99, floor.Result.Latency.P99)
	}
	rep.MedianRatio = median(ratios)
	if f := median(floorP99); f > 0 {
		rep.MediansRatio = median(ourP99) / f
	}
	return rep, nil
}

// median sorts xs and returns their median (0 for none).
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

func (r *besideReport) write(w io.Writer) {
	if len(r.Rounds) == 0 {
		return
	}
	first := r.Rounds[0].Assist
	fmt.Fprintf(w, "assist bench: %d rounds of assist serve beside the raw floor, each run a process of its own, %s, transparent huge pages %s\n",
		len(r.Rounds), machine(first.CPUModel), first.HugePages)
	fmt.Fprintf(w, "  each run: %d panels on %d conversations of %d shops, %s, %s\n",
		first.Job.Panels, first.Job.Convs, first.Job.Shops, first.paceLines(), first.Job.Duration)
	for i, rd := range r.Rounds {
		a, f := rd.Assist, rd.Floor
		fmt.Fprintf(w, "  round %d   post-to-push p99 %.2f ms (server %.0f µs a turn, %d of %d pushes), floor %.2f ms (%.0f µs): %.1f×\n",
			i+1, a.Result.Latency.P99, a.ServerCPUPerTurnUS, a.Result.Pushes, a.Result.Expected,
			f.Result.Latency.P99, f.ServerCPUPerTurnUS, rd.Ratio)
	}
	fmt.Fprintf(w, "  p99 over the floor's: median %.1f×, at most 2× in %d of %d rounds\n", r.MedianRatio, r.AtMostTwice, len(r.Rounds))
	fmt.Fprintf(w, "  our median p99 over the floor's median p99: %.1f×\n", r.MediansRatio)
}
