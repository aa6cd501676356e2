package review

import (
	"container/list"
	"encoding/json"
	"sync"

	"assist/kb"
)

// A conversation's turns and shows never change once written, and a
// store's background refresh recomputes a conversation each time it has
// taken a turn (every 30 s tick of a chat that goes on): reading and
// decoding all its turns each time made a chat of n turns cost about n²/2
// set decodes, more than answering the turns did. Digests keeps what the
// review derives from the turns and shows of the conversations refreshed
// lately, so a refresh reads and decodes only those added since. It is
// bounded in turns kept; a conversation pushed out is read whole again.
//
// A store may use a digest only if what it reads past Next and LastShow is
// everything added since: turns have consecutive indexes (one that skips
// leaves a gap, and the digest is not kept), and a show committed later
// never has a smaller id than one read.
type Digests struct {
	mu    sync.Mutex
	max   int // turns kept in all (see size)
	turns int // turns kept now
	lru   list.List
	byKey map[digestKey]*list.Element
	names map[string]string // the suggestion ids and agents the digests hold, each once
}

// MaxDigestTurns bounds the turns digested and kept: a real set's turn with
// its show holds about 700 bytes (measured on the evaluation shops' sets),
// so some 30 MB at the bound, which 1,000 chats of 40 turns going on at
// once reach.
const MaxDigestTurns = 50_000

type digestKey struct {
	shop int64
	conv string
}

// Digest is what the review reads of a conversation's turns 0 to Next-1,
// and of its shows up to LastShow.
type Digest struct {
	key      digestKey
	Next     int   // the index the next turn must have
	LastShow int64 // the last show's id
	Turns    []Turn
	Quality  []QualityTurn
	Members  map[int][]kb.SetMember // turn index → its set's members, for its shows
	Product  string                 // the first the turns name
	Shows    []kb.Show              // in the order recorded
	gap      bool

	// Kept is what the store keeps with the digest for its next refresh
	// of the conversation (kb/sqlite: its rollup rows as last written, so
	// as not to read them back), and KeptWeight its size in turns' worth,
	// counted against the bound. The review never reads it.
	Kept       any
	KeptWeight int
}

// size is what the digest counts for against the bound: a turn, with its
// set's members, weighs about four shows.
func (d *Digest) size() int { return len(d.Turns) + len(d.Shows)/4 + d.KeptWeight }

// NewDigests keeps up to max turns' digests.
func NewDigests(max int) *Digests {
	return &Digests{max: max, byKey: map[digestKey]*list.Element{}, names: map[string]string{}}
}

// Take hands over conv's digest, or a new empty one: the caller owns it
// until it puts it back, so a refresh that fails midway keeps nothing.
func (t *Digests) Take(shop int64, conv string) *Digest {
	key := digestKey{shop, conv}
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.byKey[key]; ok {
		d := e.Value.(*Digest)
		t.lru.Remove(e)
		delete(t.byKey, key)
		t.turns -= d.size()
		return d
	}
	return &Digest{key: key, Members: map[int][]kb.SetMember{}}
}

// Put keeps d as the most recent, pushing out the least recent past max. A
// digest with a gap in its turns is not kept: a turn written later into the
// gap would be missed.
func (t *Digests) Put(d *Digest) {
	if d.gap || len(d.Turns) == 0 || d.size() > t.max {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byKey[d.key] = t.lru.PushFront(d)
	t.turns += d.size()
	for t.turns > t.max {
		e := t.lru.Back()
		old := e.Value.(*Digest)
		t.lru.Remove(e)
		delete(t.byKey, old.key)
		t.turns -= old.size()
	}
}

// intern returns the one copy of s the digests hold. The table is emptied
// when it outgrows what a few shops' knowledge names.
func (t *Digests) intern(s string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.names[s]; ok {
		return v
	}
	if len(t.names) >= 4*MaxDigestTurns {
		clear(t.names)
	}
	t.names[s] = s
	return s
}

// Reset forgets every digest (a cold start, from scratch).
func (t *Digests) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lru.Init()
	clear(t.byKey)
	t.turns = 0
}

// AddTurn digests a stored turn: tu (Conversation, Index, Role, At and the
// agent who posted it), its text, the product it names and its stored set
// as sent, decoded once. A turn past the digest's next leaves a gap, and the
// digest serves this refresh only.
func (t *Digests) AddTurn(d *Digest, tu Turn, text, product string, set []byte) {
	tu.Conversation = d.key.conv
	tu.Role = t.intern(tu.Role)
	if tu.Role != Agent {
		tu.Agent = "" // a buyer turn's poster is the platform, not an agent it was routed to
	}
	tu.Agent = t.intern(tu.Agent)
	q := QualityTurn{Role: tu.Role, Text: text}
	setProduct, members, err := kb.SetSummary(set)
	if err != nil { // it showed nothing countable; what of it decodes still counts
		var s storedSet
		json.Unmarshal(set, &s)
		setProduct, members = s.Product, nil
		for _, n := range s.Nudges {
			q.Nudges = append(q.Nudges, t.intern(kb.NudgeID(n.Kind, n.Category)))
		}
	}
	for i := range members {
		members[i].ID = t.intern(members[i].ID)
		if members[i].Kind == kb.SuggestionNudge {
			q.Nudges = append(q.Nudges, members[i].ID)
		}
	}
	if product == "" {
		product = setProduct
	}
	d.add(tu, q, members, product)
}

func (d *Digest) add(tu Turn, q QualityTurn, members []kb.SetMember, product string) {
	if tu.Index != d.Next {
		d.gap = true
	}
	d.Next = tu.Index + 1
	d.Turns = append(d.Turns, tu)
	d.Quality = append(d.Quality, q)
	d.Members[tu.Index] = members
	if d.Product == "" {
		d.Product = product
	}
}

// AddShow digests show s (its Turn, Agent and At), whose id is id: shows
// must come in the order recorded.
func (t *Digests) AddShow(d *Digest, s kb.Show, id int64) {
	s.Conversation, s.Agent = d.key.conv, t.intern(s.Agent)
	d.Shows = append(d.Shows, s)
	d.LastShow = id
}

// ShownEvents are the shown events the digest's shows stand for.
func (d *Digest) ShownEvents() []Event { return ShownEventsOf(d.Shows, d.Members) }
