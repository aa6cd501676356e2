package assistant

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"assist/kb/index"
	"assist/kb/synth"
)

// BenchmarkTurnBySize plays the same turns on synthetic shops of growing
// size: a turn's cost must not grow with the number of products and
// phrases. Building the 10,000-product index takes a while; run with
//
//	go test ./assistant -run X -bench TurnBySize -benchtime 3000x -count 1
func BenchmarkTurnBySize(b *testing.B) {
	for _, size := range []synth.Size{
		{Products: 20, Phrases: 60},
		{Products: 2000, Phrases: 1000},
		{Products: 10000, Phrases: 5000},
	} {
		b.Run(fmt.Sprintf("products=%d/phrases=%d", size.Products, size.Phrases), func(b *testing.B) {
			shop := synth.Shop(size)
			idx, err := index.Build(filepath.Join(b.TempDir(), "index"), shop)
			if err != nil {
				b.Fatal(err)
			}
			e, err := New(Config{Shop: shop, Index: idx})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			lines := []Turn{
				{Role: Buyer, Text: "纯棉衬衫能便宜点吗,两件有优惠吗", Product: "p3"},
				{Role: Agent, Text: "亲,明天一定给您发出,保证后天到"},
				{Role: Buyer, Text: "收到的陶瓷水杯破损了,你们怎么卖这种东西"},
				{Role: Buyer, Text: "羊毛围巾是什么材质的,什么时候发货"},
				{Role: Buyer, Text: "不给我补偿我就给差评"},
			}
			benchTurns(b, e, lines)
		})
	}
}

// benchTurns plays lines round-robin and reports p50 and p99.
func benchTurns(b *testing.B, e *Engine, lines []Turn) {
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := lines[i%len(lines)]
		t.At = at(10, 0)
		start := time.Now()
		if _, err := e.Turn(chat(e, "bench"), t); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}
