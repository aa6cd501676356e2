package assistant

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"assist/kb"
	"assist/kb/index"
	"assist/kb/synth"
)

// BenchmarkTurnBySize plays the same turns on synthetic shops of growing
// size: a turn's cost must not grow with the number of products and
// phrases. "seen" plays five lines again and again (the index's search
// cache answers them after the first round); "unseen" adds an order number
// to each and empties the search cache before each turn, so every search is
// new, as a shop's real turns mostly are. (The number alone no longer parts
// searches: it is a word no document holds.)
// Building the 10,000-product index takes a while; run with
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
			b.Run("seen", func(b *testing.B) { benchTurns(b, e, lines, func(int) string { return "" }) })
			b.Run("unseen", func(b *testing.B) {
				benchTurns(b, e, lines, func(i int) string {
					idx.ForgetSearches() // outside the turn's time
					return " 订单" + strconv.Itoa(100000+i)
				})
			})
		})
	}
}

// benchTurns plays lines round-robin, the i-th with more(i) added to its
// text, and reports p50 and p99, after a warm-up (caches filled, the
// index's background merging done).
func benchTurns(b *testing.B, e *Engine, lines []Turn, more func(i int) string) {
	for i := range 500 {
		t := lines[i%len(lines)]
		t.Text += more(-1 - i)
		t.At = at(10, 0)
		if _, err := e.Turn(chat(e, "warm-up"), t); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	// Wall time counts whatever else the machine runs; the thread's CPU
	// time is what the turn itself costs.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	took := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := lines[i%len(lines)]
		t.Text += more(i)
		t.At = at(10, 0)
		start, startCPU := time.Now(), threadCPU()
		if _, err := e.Turn(chat(e, "bench"), t); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		cpu = append(cpu, threadCPU()-startCPU)
	}
	b.StopTimer()
	for _, d := range []struct {
		name string
		list []time.Duration
	}{{"", took}, {"cpu-", cpu}} {
		sort.Slice(d.list, func(i, j int) bool { return d.list[i] < d.list[j] })
		b.ReportMetric(float64(d.list[len(d.list)/2].Microseconds()), d.name+"p50-µs")
		b.ReportMetric(float64(d.list[len(d.list)*99/100].Microseconds()), d.name+"p99-µs")
	}
}

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// BenchmarkPhraseEditLive is one phrase edit made live on a shop of 2,000
// products and 1,000 phrases, each edit with a tag word new to the
// segmenter: the index rebuilt whole (as cmd/assist's reloader does) beside
// the phrase put in place; both then swap the engine's knowledge.
//
//	go test ./assistant -run X -bench PhraseEditLive -benchtime 5x -count 3
func BenchmarkPhraseEditLive(b *testing.B) {
	base := synth.Shop(synth.Size{Products: 2000, Phrases: 1000})
	edited := func(i int) *kb.Shop {
		shop := *base
		shop.Phrases = slices.Clone(base.Phrases)
		ph := &shop.Phrases[i%len(shop.Phrases)]
		ph.Text += "(第" + strconv.Itoa(i) + "版)"
		// A tag no dictionary holds: the segmenter learns a word.
		ph.Tags = append(slices.Clone(ph.Tags), string([]rune{0x4E00 + rune(i%20000), 0x9FA0 - rune(i%500), 0x5000 + rune(b.N%997)}))
		return &shop
	}
	start := func(b *testing.B) (*Engine, *index.Index) {
		idx, err := index.Build(filepath.Join(b.TempDir(), "index"), base)
		if err != nil {
			b.Fatal(err)
		}
		e, err := New(Config{Shop: base, Index: idx})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { e.Close() })
		return e, idx
	}
	b.Run("rebuild", func(b *testing.B) {
		e, _ := start(b)
		dirs := [2]string{filepath.Join(b.TempDir(), "a"), filepath.Join(b.TempDir(), "b")}
		for i := 0; b.Loop(); i++ {
			shop := edited(i)
			idx, err := index.Build(dirs[i%2], shop)
			if err != nil {
				b.Fatal(err)
			}
			if err := e.Reload(shop, idx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("put", func(b *testing.B) {
		e, idx := start(b)
		for i := 0; b.Loop(); i++ {
			shop := edited(i)
			if err := idx.PutPhrase(&shop.Phrases[i%len(shop.Phrases)]); err != nil {
				b.Fatal(err)
			}
			if err := e.Reload(shop, idx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkShopMemory reports the heap one loaded shop takes: its knowledge
// and the open index (bleve maps the index files; their pages are not heap).
//
//	go test ./assistant -run X -bench ShopMemory -benchtime 1x
func BenchmarkShopMemory(b *testing.B) {
	t := b
	for _, size := range []synth.Size{{Products: 20, Phrases: 60}, {Products: 2000, Phrases: 1000}, {Products: 10000, Phrases: 5000}} {
		shop := synth.Shop(size)
		dir := filepath.Join(b.TempDir(), "index")
		idx, _, err := index.OpenOrBuild(dir, shop, "v1")
		if err != nil {
			t.Fatal(err)
		}
		idx.Close()
		heap := func() uint64 {
			var m runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m)
			return m.HeapAlloc
		}
		before := heap()
		idx, reused, err := index.OpenOrBuild(dir, shop, "v1")
		if err != nil || !reused {
			t.Fatalf("reopen: reused %v, %v", reused, err)
		}
		e, err := New(Config{Shop: shop, Index: idx})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Turn(chat(e, "c"), Turn{Role: Buyer, Text: "纯棉衬衫有优惠吗", Product: "p1"}); err != nil {
			t.Fatal(err)
		}
		after := heap()
		b.ReportMetric(float64(int64(after)-int64(before))/(1<<20), fmt.Sprintf("MiB-%dproducts", size.Products))
		e.Close()
	}
}
