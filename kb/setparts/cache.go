package setparts

import (
	"fmt"
	"slices"
	"sync"

	"assist/kb"
)

// Cache keeps parts' bodies by id. A stored part never changes and its id
// is never given to another, so a body read once serves every later read
// of any turn that names it. It holds about max bytes: when the newer half
// fills, the older is dropped.
type Cache struct {
	mu       sync.Mutex
	max      int
	size     int
	cur, old map[int64][]byte
}

// NewCache makes a cache of about maxBytes of bodies.
func NewCache(maxBytes int) *Cache {
	return &Cache{max: maxBytes, cur: map[int64][]byte{}}
}

func (c *Cache) get(id int64) ([]byte, bool) {
	if b, ok := c.cur[id]; ok {
		return b, true
	}
	b, ok := c.old[id]
	if ok {
		c.put(id, b)
	}
	return b, ok
}

func (c *Cache) put(id int64, body []byte) {
	if c.size+len(body) > c.max/2 {
		c.old, c.cur, c.size = c.cur, map[int64][]byte{}, 0
	}
	c.cur[id] = body
	c.size += len(body)
}

// Stored is a set as a turn's row holds it: plain JSON (a set stored before
// sets were cut, or one Split left whole), or a code to join.
type Stored struct {
	Row   Row
	Plain []byte
	Code  []byte
}

// Fetch reads the bodies of parts by id; an id it does not return is a
// part missing from the store.
type Fetch func(ids []int64) (map[int64][]byte, error)

// JoinAll returns each set as it was sent. The parts the cache lacks are
// fetched in one call.
func (c *Cache) JoinAll(sets []Stored, fetch Fetch) ([][]byte, error) {
	var refs []int64
	for _, s := range sets {
		if s.Code == nil {
			continue
		}
		var err error
		if refs, err = Refs(s.Code, refs); err != nil {
			return nil, fmt.Errorf("turn %d: %w", s.Row.Index, err)
		}
	}
	bodies := make(map[int64][]byte, len(refs))
	var missing []int64
	c.mu.Lock()
	for _, id := range refs {
		if _, ok := bodies[id]; ok {
			continue
		}
		if b, ok := c.get(id); ok {
			bodies[id] = b
		} else {
			bodies[id] = nil
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		slices.Sort(missing)
		got, err := fetch(missing)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		for id, b := range got {
			bodies[id] = b
			c.put(id, b)
		}
		c.mu.Unlock()
	}
	lookup := func(id int64) ([]byte, bool) {
		b := bodies[id]
		return b, b != nil
	}
	out := make([][]byte, len(sets))
	for i, s := range sets {
		if s.Code == nil {
			out[i] = s.Plain
			continue
		}
		set, err := Join(s.Code, s.Row, lookup)
		if err != nil {
			return nil, fmt.Errorf("turn %d: %w", s.Row.Index, err)
		}
		out[i] = set
	}
	return out, nil
}

// JoinTurns puts back the sets of turns a store read: codes[i] is turn i's
// code (nil: its Suggestions is the set, stored whole); row is what a
// turn's row holds, as the store reads it back.
func (c *Cache) JoinTurns(turns []kb.StoredTurn, codes [][]byte, row func(*kb.StoredTurn) Row, fetch Fetch) error {
	sets := make([]Stored, len(turns))
	for i := range turns {
		sets[i] = Stored{Row: row(&turns[i]), Plain: turns[i].Suggestions, Code: codes[i]}
	}
	out, err := c.JoinAll(sets, fetch)
	if err != nil {
		return fmt.Errorf("read suggestion set: %w", err)
	}
	for i := range turns {
		turns[i].Suggestions = out[i]
	}
	return nil
}
