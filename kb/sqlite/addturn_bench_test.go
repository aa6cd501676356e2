package sqlite

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkAddTurnConcurrent commits turns from 16 writers at once, each on
// its own conversations, as the Desk does under load:
//
//	go test ./kb/sqlite -run X -bench AddTurnConcurrent -benchtime 20000x -count 3
func BenchmarkAddTurnConcurrent(b *testing.B) {
	db := openWithShop(b)
	ctx := context.Background()
	const writers = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
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
				conv := fmt.Sprintf("w%d-c%d", w, i%50)
				if err := db.AddTurn(ctx, storedTurn(conv, turns[conv], "这款有优惠吗")); err != nil {
					b.Error(err)
					return
				}
				turns[conv]++
			}
		}(w)
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
}
