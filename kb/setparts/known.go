package setparts

import "sync"

// Known remembers the ids of parts a store has committed, so a turn whose
// parts are all known looks none up. Only a committed transaction's parts
// may be added (a part added by a turn that rolled back is no part); a
// part is never deleted, so an id, once known, stays right. It forgets all
// when it holds max parts.
type Known struct {
	mu  sync.Mutex
	max int
	ids map[knownKey]int64
}

type knownKey struct {
	shop int64
	hash [16]byte
}

// NewKnown makes a memory of up to max parts.
func NewKnown(max int) *Known { return &Known{max: max, ids: map[knownKey]int64{}} }

// Lookup fills ids[i] with the id of parts[i] where known, and reports how
// many it left 0.
func (k *Known) Lookup(shop int64, parts []Part, ids []int64) (unknown int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, p := range parts {
		if id, ok := k.ids[knownKey{shop, p.Hash}]; ok {
			ids[i] = id
		} else {
			unknown++
		}
	}
	return unknown
}

// Add remembers that parts[i], committed in shop, has id ids[i].
func (k *Known) Add(shop int64, parts []Part, ids []int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.ids)+len(parts) > k.max {
		clear(k.ids)
	}
	for i, p := range parts {
		k.ids[knownKey{shop, p.Hash}] = ids[i]
	}
}

// Memory is what a store keeps in memory of its parts: the bodies read
// (about 32 MiB) and the ids its committed turns stored (100,000). The zero
// value is ready to use.
type Memory struct {
	once  sync.Once
	cache *Cache
	known *Known
}

func (m *Memory) init() {
	m.once.Do(func() {
		m.cache = NewCache(32 << 20)
		m.known = NewKnown(100_000)
	})
}

// Cache is the bodies read.
func (m *Memory) Cache() *Cache {
	m.init()
	return m.cache
}

// Known is the ids committed.
func (m *Memory) Known() *Known {
	m.init()
	return m.known
}
