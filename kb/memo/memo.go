// Package memo keeps values computed from strings, for the paths that
// compute the same ones turn after turn: a part's hash, a statute article's
// JSON. A Map is bounded by the bytes of its keys and forgets by halves.
package memo

import (
	"strings"
	"sync"
)

// Map maps keys to values computed from them, holding about max bytes of
// keys: when the newer half fills, the older is dropped, so a key in use
// stays. It is safe for concurrent use.
type Map[V any] struct {
	mu       sync.Mutex
	max      int
	size     int
	cur, old map[string]V
}

// New makes a Map of about maxBytes of keys.
func New[V any](maxBytes int) *Map[V] {
	return &Map[V]{max: maxBytes, cur: map[string]V{}}
}

// Get is the value kept for key, if any. key is only read: a caller may
// reuse its buffer.
func (m *Map[V]) Get(key []byte) (V, bool) { return get(m, key) }

// GetString is Get for a string.
func (m *Map[V]) GetString(key string) (V, bool) { return get(m, key) }

func get[V any, K []byte | string](m *Map[V], key K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.cur[string(key)]; ok { // no copy of key to look it up
		return v, true
	}
	v, ok := m.old[string(key)]
	if ok {
		m.put(strings.Clone(string(key)), v) // the memo's own copy
	}
	return v, ok
}

// Put keeps v for key, unless key alone is over half the bound. key is
// kept as given: pass a string of its own, not part of a larger one.
func (m *Map[V]) Put(key string, v V) {
	if len(key) > m.max/2 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.put(key, v)
}

// put keeps v for key; m.mu is held. A key two callers put at once is
// counted twice, which only brings the next drop nearer.
func (m *Map[V]) put(key string, v V) {
	if m.size+len(key) > m.max/2 {
		// Sized as the half it follows, so it does not grow by doubling.
		m.old, m.cur, m.size = m.cur, make(map[string]V, len(m.cur)), 0
	}
	m.cur[key] = v
	m.size += len(key)
}

// Len is how many keys the Map holds, and the bytes of the newer half's
// (at most half the bound).
func (m *Map[V]) Len() (keys, newer int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cur) + len(m.old), m.size
}
