package sqlite

import (
	"container/list"
	"sync"

	"assist/kb"
	"assist/kb/review"
)

// A conversation's turns never change once written, and the background
// refresh recomputes a conversation each time it has taken a turn (every
// 30 s tick of a chat that goes on): reading and decoding all its turns
// each time made a chat of n turns cost about n²/2 set decodes, more than
// answering the turns did. turnDigests keeps what the review derives from
// the turns of the conversations refreshed lately, so a refresh reads and
// decodes only the turns added since. It is bounded in turns kept; a
// conversation pushed out is read whole again, as before.
type turnDigests struct {
	mu    sync.Mutex
	max   int // turns kept in all (see size)
	turns int // turns kept now
	lru   list.List
	byKey map[digestKey]*list.Element
	names map[string]string // the suggestion ids and agents the digests hold, each once
}

// maxDigestTurns bounds the turns digested and kept: a real set's turn with
// its show holds about 700 bytes (measured on the evaluation shops' sets),
// so some 30 MB at the bound, which 1,000 chats of 40 turns going on at once
// reach.
const maxDigestTurns = 50_000

type digestKey struct {
	shop int64
	conv string
}

// convDigest is what the review reads of a conversation's turns 0 to
// next-1, and of its shows up to lastShow.
type convDigest struct {
	key      digestKey
	next     int // the index the next turn must have
	gap      bool
	turns    []review.Turn
	quality  []review.QualityTurn
	members  map[int][]kb.SetMember // turn index → its set's members, for its shows
	product  string
	shows    []kb.Show // in the order recorded
	lastShow int64     // the last show's id
}

// size is what the digest counts for against the bound: a turn, with its
// set's members, weighs about four shows.
func (d *convDigest) size() int { return len(d.turns) + len(d.shows)/4 }

func newTurnDigests(max int) *turnDigests {
	return &turnDigests{max: max, byKey: map[digestKey]*list.Element{}, names: map[string]string{}}
}

// take hands over conv's digest, or a new empty one: the caller owns it
// until it puts it back, so a refresh that fails midway keeps nothing.
func (t *turnDigests) take(shop int64, conv string) *convDigest {
	key := digestKey{shop, conv}
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.byKey[key]; ok {
		d := e.Value.(*convDigest)
		t.lru.Remove(e)
		delete(t.byKey, key)
		t.turns -= d.size()
		return d
	}
	return &convDigest{key: key, members: map[int][]kb.SetMember{}}
}

// put keeps d as the most recent, pushing out the least recent past max. A
// digest with a gap in its turns is not kept: a turn written later into the
// gap would be missed.
func (t *turnDigests) put(d *convDigest) {
	if d.gap || len(d.turns) == 0 || d.size() > t.max {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byKey[d.key] = t.lru.PushFront(d)
	t.turns += d.size()
	for t.turns > t.max {
		e := t.lru.Back()
		old := e.Value.(*convDigest)
		t.lru.Remove(e)
		delete(t.byKey, old.key)
		t.turns -= old.size()
	}
}

// intern returns the one copy of s the digests hold. The table is emptied
// when it outgrows what a few shops' knowledge names.
func (t *turnDigests) intern(s string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.names[s]; ok {
		return v
	}
	if len(t.names) >= 4*maxDigestTurns {
		clear(t.names)
	}
	t.names[s] = s
	return s
}

// reset forgets every digest (a benchmark's cold start).
func (t *turnDigests) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lru.Init()
	clear(t.byKey)
	t.turns = 0
}

// add digests turn tu (its quality line q and its set's members), which
// must be the next; a turn past the next leaves a gap, and the digest is
// used for this refresh only.
func (d *convDigest) add(tu review.Turn, q review.QualityTurn, members []kb.SetMember, product string) {
	if tu.Index != d.next {
		d.gap = true
	}
	d.next = tu.Index + 1
	d.turns = append(d.turns, tu)
	d.quality = append(d.quality, q)
	d.members[tu.Index] = members
	if d.product == "" {
		d.product = product
	}
}
