package assistant

import (
	"fmt"
	"sort"
	"testing"
	"time"
)

// BenchmarkTurnUnseen is BenchmarkTurn with every turn's words new to the
// engine (an order number no turn before held), so no search is answered
// from the cache: what a turn costs when chat does not repeat itself.
func BenchmarkTurnUnseen(b *testing.B) {
	e := newTestEngine(b)
	lines := []Turn{
		{Role: Buyer, Text: "跑鞋能便宜点吗,两双有优惠吗", Product: "run-1"},
		{Role: Agent, Text: "亲,明天一定给您发出,保证后天到"},
		{Role: Buyer, Text: "收到鞋子开胶了,你们怎么卖这种东西"},
		{Role: Buyer, Text: "不给我补偿我就给差评"},
	}
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := lines[i%len(lines)]
		t.Text += fmt.Sprintf(" 订单%d", 100000+i)
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
