package setparts

import (
	"crypto/sha256"
	"sync"
)

// hashOf names a part by its body: the first half of its SHA-256. A
// cryptographic hash, because a buyer's words reach parts' bodies and two
// bodies under one name would show one set in place of another.
func hashOf(body []byte) [16]byte {
	return recentHashes.of(body)
}

func sha256Half(body []byte) [16]byte {
	sum := sha256.Sum256(body)
	return [16]byte(sum[:16])
}

// recentHashes remembers the hashes of bodies hashed lately, in every store
// of the process (a hash depends on the bytes alone). A shop's turns send
// the same parts again and again — a bench of 41,327 unseen lines made 52
// new ones — and SHA-256 of each small body, its padding and finish, was a
// quarter of cutting a set (docs/figures.md, session 35).
var recentHashes = newHashMemo(4 << 20)

// hashMemo maps bodies to their hashes, holding about max bytes of bodies:
// when the newer half fills, the older is dropped, so a body in use stays.
type hashMemo struct {
	mu       sync.Mutex
	max      int
	size     int
	cur, old map[string][16]byte
}

func newHashMemo(maxBytes int) *hashMemo {
	return &hashMemo{max: maxBytes, cur: map[string][16]byte{}}
}

// of is sha256Half(body). body may be a buffer its caller reuses: the memo
// keeps a copy.
func (m *hashMemo) of(body []byte) [16]byte {
	m.mu.Lock()
	h, ok := m.cur[string(body)]
	if !ok {
		if h, ok = m.old[string(body)]; ok {
			m.put(body, h)
		}
	}
	m.mu.Unlock()
	if ok {
		return h
	}
	h = sha256Half(body) // outside the lock: the one slow step
	m.mu.Lock()
	m.put(body, h)
	m.mu.Unlock()
	return h
}

// put remembers body's hash; m.mu is held. A body two callers hashed at
// once is counted twice, which only brings the next drop nearer.
func (m *hashMemo) put(body []byte, h [16]byte) {
	if len(body) > m.max/2 {
		return // a body that would fill the memo alone is not kept
	}
	if m.size+len(body) > m.max/2 {
		// Sized as the half it follows, so it does not grow by doubling.
		m.old, m.cur, m.size = m.cur, make(map[string][16]byte, len(m.cur)), 0
	}
	m.cur[string(body)] = h
	m.size += len(body)
}
