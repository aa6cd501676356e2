package index

import (
	"encoding/binary"
	"math"
	"sync"
	"sync/atomic"

	"assist/kb/fold"
)

// Building bleve's searchers (a dictionary look-up per term and segment, a
// scorer, a collector) is most of what a search costs, and chat repeats
// itself: greetings, 包邮吗, 在吗. So a search's hits are kept, keyed by what
// was asked, until the index changes. Any Put or Delete moves the index to a
// new generation, and hits of an older generation are never served: a search
// that raced with a change may store what it found, but under the generation
// it started in, which no later search asks for.
//
// The cache is bounded: hits go into the current map until it holds
// cacheGeneration entries; then it becomes the previous map, the one before
// it is dropped, and a hit found only in the previous map is carried into the
// current one. Searches asked again and again stay; the rest age out.
const cacheGeneration = 256

// maxCachedKey bounds the key of a cached search, and so the cache's size:
// a turn's terms take a few hundred bytes; a search of a whole pasted
// paragraph is neither kept nor likely asked again.
const maxCachedKey = 2048

// searchCache holds recent searches' hits for one Index.
type searchCache struct {
	gen atomic.Uint64 // the index's generation: bumped by every change

	mu        sync.Mutex
	at        uint64 // the generation cur and prev were filled in
	cur, prev map[string][]Hit
	hits      atomic.Uint64 // searches answered from the cache
	misses    atomic.Uint64 // searches that went to bleve
}

// appendKey appends what a search asks to buf: its kind, size and terms
// in order, with their weights to the bit. The terms are not sorted: the
// order a disjunction adds scores in can change the last bit of a score. A
// term df says no document holds is written without its word (length 0):
// any such term of the same boost in the same place gives the same hits.
func appendKey(buf []byte, kind Kind, terms []Term, df map[string]int, size int) []byte {
	buf = append(buf, kind...)
	buf = binary.AppendUvarint(buf, uint64(size))
	for _, t := range terms {
		if df != nil && absent(t.Text, df) {
			buf = binary.AppendUvarint(buf, 0)
		} else {
			buf = binary.AppendUvarint(buf, uint64(len(t.Text)))
			buf = append(buf, t.Text...)
		}
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(t.Boost))
	}
	return buf
}

// absent reports whether no document holds the term text, as searched
// (lower-cased).
func absent(text string, df map[string]int) bool { return df[fold.Lower(text)] == 0 }

// generation is the generation a search starts in; read it before
// searching bleve.
func (c *searchCache) generation() uint64 { return c.gen.Load() }

// changed starts a new generation; call it after a change is visible to
// searches.
func (c *searchCache) changed() { c.gen.Add(1) }

// get returns the hits stored for key in generation g. The slice is
// shared: callers must not modify it.
func (c *searchCache) get(g uint64, key []byte) ([]Hit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != g {
		c.misses.Add(1)
		return nil, false
	}
	if h, ok := c.cur[string(key)]; ok {
		c.hits.Add(1)
		return h, true
	}
	if h, ok := c.prev[string(key)]; ok {
		c.hits.Add(1)
		c.insert(string(key), h)
		return h, true
	}
	c.misses.Add(1)
	return nil, false
}

// put stores the hits a search started in generation g found, unless the
// index has changed since.
func (c *searchCache) put(g uint64, key string, hits []Hit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g != c.gen.Load() {
		return // the search may have seen the index before the change
	}
	if c.at != g {
		c.at, c.cur, c.prev = g, nil, nil
	}
	c.insert(key, hits)
}

// insert adds an entry to the current map, turning it over when full; the
// caller holds c.mu.
func (c *searchCache) insert(key string, hits []Hit) {
	if len(c.cur) >= cacheGeneration {
		c.prev, c.cur = c.cur, nil
	}
	if c.cur == nil {
		c.cur = make(map[string][]Hit, cacheGeneration)
	}
	c.cur[key] = hits
}

// len is how many searches the cache holds.
func (c *searchCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.prev)
}

// ForgetSearches empties the search cache, as a change to the index does.
// Benchmarks call it to measure every search as it costs the first time.
func (ix *Index) ForgetSearches() { ix.cache.changed() }

// CacheStats says how many searches were answered from the cache and how
// many went to bleve since the index was opened.
func (ix *Index) CacheStats() (hits, misses uint64) {
	return ix.cache.hits.Load(), ix.cache.misses.Load()
}
