package memo

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// A Map answers what was put, by bytes or by string, from either half, and
// stays within its bound however many keys pass through it.
func TestMapKeepsWhatWasPutWithinItsBound(t *testing.T) {
	m := New[int](1 << 10)
	for i := range 10_000 {
		k := fmt.Sprintf("第%d条", i%300)
		if v, ok := m.GetString(k); ok && v != i%300 {
			t.Fatalf("%s: %d, want %d", k, v, i%300)
		} else if !ok {
			m.Put(k, i%300)
		}
		buf := []byte(k)
		v, ok := m.Get(buf)
		if !ok || v != i%300 {
			t.Fatalf("%s just put: %d, %v", k, v, ok)
		}
		copy(buf, "XXXX") // the caller reuses its buffer: the memo kept its own
		if v, ok := m.GetString(k); !ok || v != i%300 {
			t.Fatalf("%s after its caller's buffer changed: %d, %v", k, v, ok)
		}
		if keys, newer := m.Len(); newer > 1<<9 || keys > 1<<10 {
			t.Fatalf("after %d puts: %d keys, %d bytes in the newer half, over the bound", i, keys, newer)
		}
	}
	if _, ok := m.GetString("never put"); ok {
		t.Error("a key never put was found")
	}
	long := strings.Repeat("长", 200)
	m.Put(long, 1)
	if _, ok := m.GetString(long); ok {
		t.Error("a key over half the bound was kept")
	}
}

// A key from the older half is moved to the newer, so a key in use outlives
// the drops.
func TestMapKeepsAKeyInUse(t *testing.T) {
	m := New[string](64)
	m.Put("hot", "kept")
	for i := range 100 {
		m.Put(fmt.Sprintf("cold-%03d", i), "x")
		if v, ok := m.GetString("hot"); !ok || v != "kept" {
			t.Fatalf("after %d other keys the key in use is gone", i+1)
		}
	}
}

func TestMapConcurrent(t *testing.T) {
	m := New[int](256)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				k := fmt.Sprint((i + g) % 50)
				if v, ok := m.GetString(k); ok && fmt.Sprint(v) != k {
					t.Errorf("%s: %d", k, v)
					return
				}
				m.Put(k, (i+g)%50)
			}
		})
	}
	wg.Wait()
}
