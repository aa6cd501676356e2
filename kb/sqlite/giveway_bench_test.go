package sqlite

import (
	"context"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"assist/kb/review"
)

// BenchmarkWaitBesideARefresh is how late a goroutine that sleeps 100 µs
// at a time wakes while the review refresh recomputes chats of
// engine-played turns, on one processor (GOMAXPROCS 1): the processor a
// busy server's turns would find taken. Each round refreshes the same
// chats from nothing twice, once with the refresh's yields switched off
// and once on (giveWay), and the metrics are the medians over the rounds:
// the sleeper's p99 and largest lateness, and the refresh's own time.
//
//	go test ./kb/sqlite -run X -bench WaitBesideARefresh -benchtime 5x
func BenchmarkWaitBesideARefresh(b *testing.B) {
	mix, pool := realTurns(b, 6000)
	db := openMix(b, filepath.Join(b.TempDir(), "assist.db"), mix)
	ctx := context.Background()
	convs := map[int64]map[string]bool{}
	for _, t := range pool {
		if err := db.AddTurn(ctx, t); err != nil {
			b.Fatal(err)
		}
		if convs[t.Shop] == nil {
			convs[t.Shop] = map[string]bool{}
		}
		convs[t.Shop][t.Conversation] = true
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	defer func() { refreshGivesWay = true }()
	type round struct{ p99, max, took time.Duration }
	results := map[bool][]round{}
	for range b.N {
		for _, gives := range []bool{false, true} {
			refreshGivesWay = gives
			db.digests = review.NewDigests(review.MaxDigestTurns) // every chat read and computed again
			for shop, cs := range convs {
				db.markDirty(ctx, shop, slices.Collect(maps.Keys(cs)))
			}
			stop := make(chan struct{})
			var late []time.Duration
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					start := time.Now()
					time.Sleep(100 * time.Microsecond)
					late = append(late, time.Since(start)-100*time.Microsecond)
				}
			}()
			start := time.Now()
			for shop := range convs {
				if _, err := db.RefreshReview(ctx, shop); err != nil {
					b.Fatal(err)
				}
			}
			took := time.Since(start)
			close(stop)
			wg.Wait()
			results[gives] = append(results[gives], round{pct(late, 99), pct(late, 100), took})
		}
	}
	for _, gives := range []bool{false, true} {
		var p99, most, took []time.Duration
		for _, r := range results[gives] {
			p99, most, took = append(p99, r.p99), append(most, r.max), append(took, r.took)
		}
		name := map[bool]string{false: "hold", true: "give"}[gives]
		ms := func(d []time.Duration) float64 { return float64(pct(d, 50).Microseconds()) / 1000 }
		b.ReportMetric(ms(p99), name+"-late-p99-ms")
		b.ReportMetric(ms(most), name+"-late-max-ms")
		b.ReportMetric(ms(took), name+"-refresh-ms")
	}
	chats := 0
	for _, cs := range convs {
		chats += len(cs)
	}
	b.ReportMetric(float64(chats), "chats")
}
