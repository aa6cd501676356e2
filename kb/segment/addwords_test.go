package segment

import (
	"sync"
	"sync/atomic"
	"testing"
)

// Teaching words while text is cut: cutting goes on meanwhile (it does not
// wait for the dictionary to be re-weighed), and once AddWords returns the
// new words are cut whole by either copy.
func TestCuttingNeverWaitsForAddWords(t *testing.T) {
	Segmenter()
	const word = "獭兔绒滚筒"
	if got := Words("这个" + word + "怎么样"); contains(got, word) {
		t.Fatalf("%q is already a word: pick another", word)
	}
	stop := make(chan struct{})
	var cuts atomic.Int64
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
				Tokens("收到的杯子碎了一个,盒子也压扁了")
				cuts.Add(1)
			}
		}()
	}
	before := cuts.Load()
	if n := AddWords([]string{word}); n != 1 {
		t.Errorf("AddWords learned %d words, want 1", n)
	}
	during := cuts.Load() - before
	close(stop)
	wg.Wait()
	// With one copy under one lock, the two cutters wait for the whole
	// re-weighing and get through a cut or two; here they keep cutting.
	if during < 10 {
		t.Errorf("%d cuts while words were added: cutting waited for AddWords", during)
	}
	if got := Words("这个" + word + "怎么样"); !contains(got, word) {
		t.Errorf("after AddWords, Words = %v, want %q whole", got, word)
	}
	// Both copies know it: a second addition does not count it again.
	if n := AddWords([]string{word}); n != 0 {
		t.Errorf("the same word again: %d new, want 0", n)
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
