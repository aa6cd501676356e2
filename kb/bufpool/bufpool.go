// Package bufpool keeps byte buffers for reuse on hot paths (a set
// encoded, a set cut, a frame joined, each on every turn or push): a
// buffer is taken empty, grown as the holder needs, and given back, unless
// it grew past the pool's bound, so one huge set or frame does not keep
// its memory for ever.
package bufpool

import "sync"

// Pool is a pool of byte buffers. Buffers travel as *[]byte, so giving
// one back allocates nothing.
type Pool struct {
	pool sync.Pool
	max  int
}

// New makes a pool whose buffers start with room for size bytes and are
// kept while they hold at most max.
func New(size, max int) *Pool {
	p := &Pool{max: max}
	p.pool.New = func() any { b := make([]byte, 0, size); return &b }
	return p
}

// Get takes a buffer, empty. The holder appends to *b and stores what it
// grew to back in *b before Put.
func (p *Pool) Get() *[]byte {
	b := p.pool.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

// Put gives b back; one that grew past the pool's bound is left to the
// collector. b must not be used after.
func (p *Pool) Put(b *[]byte) {
	if cap(*b) <= p.max {
		p.pool.Put(b)
	}
}
