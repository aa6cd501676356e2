package sqlite

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkAddTurnConcurrent commits turns from 16 writers at once, each on
// its own conversations, as the Desk does under load:
//
//	go test ./kb/sqlite -run X -bench AddTurnConcurrent -benchtime 20000x -count 3
func BenchmarkAddTurnConcurrent(b *testing.B) {
	db := openWithShop(b)
	b.ResetTimer()
	addTurnsFromWriters(b, db, func(w int, i int64) string { return fmt.Sprintf("w%d-c%d", w, i%50) })
}

// addTurnsFromWriters commits b.N turns from 16 writers at once, the i-th
// (counted over all writers) by writer w into conversation conv(w, i), and
// reports turns/s. A conversation must be one writer's only.
func addTurnsFromWriters(b *testing.B, db *DB, conv func(w int, i int64) string) {
	ctx := context.Background()
	const writers = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			turns := map[string]int{}
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				c := conv(w, i)
				if err := db.AddTurn(ctx, storedTurn(c, turns[c], "这款有优惠吗")); err != nil {
					b.Error(err)
					return
				}
				turns[c]++
			}
		}(w)
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
}

// BenchmarkAddTurnBesideReads commits turns one after another while two
// readers load a 200-turn conversation back to back (a panel opening a
// chat, a manager reading one), and reports the turns' latency:
//
//	go test ./kb/sqlite -run X -bench AddTurnBesideReads -benchtime 3000x -count 3
func BenchmarkAddTurnBesideReads(b *testing.B) {
	db := openWithShop(b)
	ctx := context.Background()
	for i := range 200 {
		if err := db.AddTurn(ctx, storedTurn("long", i, "这款有优惠吗,两件能便宜点吗")); err != nil {
			b.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads atomic.Int64
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.Turns(ctx, 1, "long"); err != nil {
					b.Error(err)
					return
				}
				reads.Add(1)
			}
		})
	}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := db.AddTurn(ctx, storedTurn(fmt.Sprint("c", i%100), i/100, "在吗")); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(reads.Load())/b.Elapsed().Seconds(), "reads/s")
}

// BenchmarkAddTurnPaced commits a turn every millisecond, one at a time (a
// thousand a second, each its own commit, as a server sees them at that
// rate), beside the server's background checkpoints, and reports the
// commits' latency: the log fills a thousand pages between two checkpoints
// at this rate, so a commit that checkpoints at a thousand pages shows here.
// It reports the process's CPU a turn too (getrusage: the cgo calls, the
// syscalls and the scheduler's work included, which the time of one
// commit hides).
//
//	go test ./kb/sqlite -run X -bench AddTurnPaced -benchtime 5000x -count 3
func BenchmarkAddTurnPaced(b *testing.B) {
	db := openWithShop(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go db.CheckpointEvery(ctx, 100*time.Millisecond, func(err error) { b.Error(err) })
	took := make([]time.Duration, 0, b.N)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		<-tick.C
		start := time.Now()
		if err := db.AddTurn(ctx, storedTurn(fmt.Sprint("c", i%500), i/500, "这款有优惠吗,两件能便宜点吗")); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/turn")
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(took[len(took)*999/1000].Microseconds()), "p99.9-µs")
	b.ReportMetric(float64(took[len(took)-1].Microseconds()), "max-µs")
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
