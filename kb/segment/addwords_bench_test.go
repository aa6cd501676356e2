package segment

import (
	"sync"
	"testing"
	"time"
)

// newWords makes n words of three Han characters unlikely to be in any
// dictionary, different for each seed.
func newWords(seed, n int) []string {
	words := make([]string, n)
	for i := range words {
		k := seed*n + i
		words[i] = string([]rune{0x4E00 + rune(k%20000), 0x9000 + rune(k/20000%2000), 0x5000 + rune(i%997)})
	}
	return words
}

// BenchmarkAddWords teaches the segmenter a new tag word (one phrase edit)
// while two goroutines cut chat lines, and reports how long the cutting
// stalled at worst.
//
//	go test ./kb/segment -run X -bench AddWords -benchtime 10x -count 3
func BenchmarkAddWords(b *testing.B) {
	LoadTime()
	var stall time.Duration
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
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
				Tokens(chatLine)
				if d := time.Since(start); d > 0 {
					mu.Lock()
					stall = max(stall, d)
					mu.Unlock()
				}
			}
		}()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		AddWords(newWords(i, 1))
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(stall.Microseconds()), "max-cut-µs")
}
