package bufpool

import "testing"

// A buffer comes out empty however it went back, and one grown past the
// bound never comes out again.
func TestBuffersComeOutEmptyAndBounded(t *testing.T) {
	p := New(16, 64)
	for i := range 50 {
		b := p.Get()
		if len(*b) != 0 {
			t.Fatalf("get %d: a buffer holding %q", i, *b)
		}
		if cap(*b) > 64 {
			t.Fatalf("get %d: a buffer of %d bytes came back, past the bound of 64", i, cap(*b))
		}
		n := 10
		if i%2 == 0 {
			n = 1000 // past the bound: must not come back
		}
		for range n {
			*b = append(*b, 'x')
		}
		p.Put(b)
	}
}

func BenchmarkGetPut(b *testing.B) {
	p := New(8<<10, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf := p.Get()
		*buf = append(*buf, "a frame"...)
		p.Put(buf)
	}
}
