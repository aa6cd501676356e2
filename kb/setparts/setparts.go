// Package setparts stores suggestion sets compactly. Most of a set repeats
// from turn to turn: the same product card with its facts, the same rule
// with its statute articles, the same phrase filled for the same buyer, the
// same outline. Split cuts a set into such parts and a short per-turn code
// (which parts, in which order, with which scores); a store keeps each
// distinct part once per shop and the code with the turn. Join puts the set
// back together byte for byte, so a past set is shown exactly as it was
// sent.
//
// The package knows JSON, not the set's Go type (kb cannot import the
// assistant): an object's lists of objects become lists of parts, a member
// "score" of such an object stays with the turn, and the members that repeat
// the turn's own columns (conversation, turn, role, text, at) are taken
// from the turn. Anything Split cannot cut exactly is left whole: Split
// reports it, and the store keeps that set as plain JSON.
package setparts

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"assist/kb/bufpool"
	"assist/kb/jsontext"
)

// Row is what a turn stores beside its set, as the store reads it back:
// the members of the set that repeat these are not stored twice.
type Row struct {
	Conversation string
	Index        int
	Role         string
	Text         string
	At           time.Time
}

// Part is a piece of a set stored once per shop, named by its hash.
//
// A list's element with a score has a body only once asked for
// (Split.WithBodies): most parts of a turn are known to the store already,
// and copying each element around its score cost a turn ~3 KB it never
// used. Until then the split knows where in the set the element and its
// score are.
type Part struct {
	Hash [16]byte
	Body []byte   // nil for a scored element until Split.WithBodies
	cut  [4]int32 // such an element is set[cut[0]:cut[3]], its score set[cut[1]:cut[2]]
}

// Split is a set cut into its parts, ready to be coded once the store has
// given each part its id.
type Split struct {
	Parts   []Part // distinct; Parts[0] is the outline
	set     []byte // the set cut, while scored elements have no body
	atNanos int    // the set's time below the microsecond (a store may keep no finer)
	lists   [][]elem
	partsAt map[[16]byte]int // made once Parts outgrow a scan (manyParts)
	scratch []byte           // a scored element's body, to hash it
}

// manyParts is how many parts a split looks through one by one before it
// keeps a map of them: a real turn's set has about 7, 12 at most.
const manyParts = 32

type elem struct {
	part  int
	score []byte // the score's literal; nil if the element has none
}

// Holes: valid JSON text never holds a NUL byte, so a NUL in a part's body
// marks a place the turn fills, followed by what fills it.
const (
	hole = 0x00

	holeConversation = 'c'
	holeTurn         = 't'
	holeRole         = 'r'
	holeText         = 'x'
	holeAt           = 'a' // then the zone offset in seconds, zigzag varint
	holeList         = 'l' // a list of element parts, brackets included
	holeScore        = 's'
)

// codeVersion leads every code, so another layout can come later.
const codeVersion = 1

// SplitSet cuts set, stored beside row, into parts. It returns nil when set
// is not a JSON object it can cut exactly: the store keeps such a set whole.
func SplitSet(set []byte, row Row) *Split {
	if len(set) == 0 || set[0] != '{' || bytes.IndexByte(set, hole) >= 0 {
		return nil
	}
	// Scored elements are joined in a pooled buffer to be hashed and
	// checked; the check's copy of the set goes to another. A turn's set
	// is several KB, and every turn is cut and checked.
	scratch := checkBuffers.Get()
	defer checkBuffers.Put(scratch)
	s := &Split{Parts: make([]Part, 1, 16), set: set, scratch: *scratch}
	outline, ok := s.outline(set, row)
	if !ok {
		return nil
	}
	s.Parts[0] = Part{Hash: hashOf(outline), Body: outline}
	// The cut must give back the very bytes: check it here rather than
	// find out when the set is read.
	code := s.Code(s.indexes())
	buf := checkBuffers.Get()
	defer checkBuffers.Put(buf)
	got, err := joinTo(*buf, code, row, func(id int64) ([]byte, bool) {
		p := &s.Parts[id]
		if p.Body != nil {
			return p.Body, true
		}
		s.scratch = s.appendBody(s.scratch[:0], p)
		return s.scratch, true
	})
	*buf, *scratch = got, s.scratch
	if err != nil || !bytes.Equal(got, set) {
		return nil
	}
	s.partsAt, s.scratch = nil, nil
	return s
}

// WithBodies gives every part its body and returns the parts: for a store
// about to write the parts it lacks.
func (s *Split) WithBodies() []Part {
	for i := range s.Parts {
		if p := &s.Parts[i]; p.Body == nil {
			p.Body = s.appendBody(make([]byte, 0, p.cut[3]-p.cut[0]-(p.cut[2]-p.cut[1])+2), p)
		}
	}
	return s.Parts
}

// appendBody is the body of scored element p: the element with its score
// a hole.
func (s *Split) appendBody(b []byte, p *Part) []byte {
	b = append(b, s.set[p.cut[0]:p.cut[1]]...)
	b = append(b, hole, holeScore)
	return append(b, s.set[p.cut[2]:p.cut[3]]...)
}

// checkBuffers are the buffers SplitSet joins parts and a cut set into.
var checkBuffers = bufpool.New(8<<10, 64<<10)

func (s *Split) indexes() []int64 {
	ids := make([]int64, len(s.Parts))
	for i := range ids {
		ids[i] = int64(i)
	}
	return ids
}

// outline is set with the turn's columns and its lists cut out. It reads
// the set once: a list's elements are cut as the walk meets them.
func (s *Split) outline(set []byte, row Row) ([]byte, bool) {
	out := make([]byte, 0, 256)
	last := 0
	end := jsontext.WalkObject(set, jsontext.SkipSpace(set, 0), func(key []byte, v0 int) int {
		var fill []byte
		v1 := -1
		switch string(key) {
		case "conversation", "turn", "role", "text", "at":
			v1 = jsontext.SkipValue(set, v0)
			if v1 < 0 {
				return -1
			}
			fill = s.column(string(key), set[v0:v1], row)
		}
		if fill == nil && set[v0] == '[' {
			list, end, ok := s.list(set, v0)
			if !ok {
				return v1 // a list of something else stays in the outline
			}
			s.lists = append(s.lists, list)
			fill, v1 = []byte{hole, holeList}, end
		}
		if fill != nil {
			out = append(out, set[last:v0]...)
			out = append(out, fill...)
			last = v1
		}
		return v1
	})
	if end < 0 || jsontext.SkipSpace(set, end) != len(set) {
		return nil, false
	}
	return append(out, set[last:]...), true
}

// column is the hole that stands for v, the value of the set's member key,
// when v is what the turn's row holds; nil if it is not.
func (s *Split) column(key string, v []byte, row Row) []byte {
	switch key {
	case "conversation":
		if isQuoted(v, row.Conversation) {
			return []byte{hole, holeConversation}
		}
	case "turn":
		if string(v) == strconv.Itoa(row.Index) {
			return []byte{hole, holeTurn}
		}
	case "role":
		if isQuoted(v, row.Role) {
			return []byte{hole, holeRole}
		}
	case "text":
		if isQuoted(v, row.Text) {
			return []byte{hole, holeText}
		}
	case "at":
		if off, nanos, ok := sameInstant(v, row.At); ok {
			s.atNanos = nanos
			return binary.AppendVarint([]byte{hole, holeAt}, int64(off))
		}
	}
	return nil
}

// sameInstant reports whether the JSON string v is at, to the microsecond
// (all a store may keep), written in its zone as encoding/json writes a
// time; and that zone's offset and the nanoseconds below the microsecond.
func sameInstant(v []byte, at time.Time) (off, nanos int, ok bool) {
	var s string
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v, '\\') < 0 {
		s = string(v[1 : len(v)-1]) // a time as encoding/json writes it: nothing escaped
	} else if json.Unmarshal(v, &s) != nil {
		return 0, 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !t.Truncate(time.Microsecond).Equal(at.Truncate(time.Microsecond)) {
		return 0, 0, false
	}
	_, off = t.Zone()
	nanos = t.Nanosecond() % 1000
	return off, nanos, bytes.Equal(v, quote(atIn(at, off, nanos)))
}

// atIn is at, with nanos below its microsecond, in the zone off seconds
// east of UTC, as encoding/json writes it.
func atIn(at time.Time, off, nanos int) string {
	at = at.Truncate(time.Microsecond).Add(time.Duration(nanos))
	return at.In(time.FixedZone("", off)).Format(time.RFC3339Nano)
}

// list cuts the JSON array at b[i] into element parts, each object's
// score cut out as the walk over its members meets it; an empty array is a
// list too. It returns the elements and the array's end, or false if the
// array holds anything but objects: then no part it cut is kept.
func (s *Split) list(b []byte, i int) ([]elem, int, bool) {
	parts := len(s.Parts)
	fail := func() ([]elem, int, bool) {
		for _, p := range s.Parts[parts:] {
			delete(s.partsAt, p.Hash) // a no-op while there is no map
		}
		s.Parts = s.Parts[:parts]
		return nil, -1, false
	}
	var out []elem
	i = jsontext.SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return []elem{}, i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '{' {
			return fail()
		}
		s0, s1 := 0, 0
		e1 := jsontext.WalkObject(b, i, func(key []byte, v0 int) int {
			if s1 != 0 || string(key) != "score" {
				return -1
			}
			v1 := jsontext.SkipValue(b, v0)
			if v1 > 0 && isNumber(b[v0:v1]) {
				s0, s1 = v0, v1
			}
			return v1
		})
		if e1 < 0 {
			return fail()
		}
		if s1 == 0 {
			out = append(out, elem{part: s.part(Part{Hash: hashOf(b[i:e1]), Body: b[i:e1]})})
		} else {
			p := Part{cut: [4]int32{int32(i), int32(s0), int32(s1), int32(e1)}}
			p.Hash = s.hashScored(&p)
			out = append(out, elem{part: s.part(p), score: b[s0:s1]})
		}
		i = jsontext.SkipSpace(b, e1)
		if i >= len(b) {
			return fail()
		}
		if b[i] == ']' {
			return out, i + 1, true
		}
		if b[i] != ',' {
			return fail()
		}
		i = jsontext.SkipSpace(b, i+1)
	}
}

// hashScored is hashOf the body p would have, joined in a buffer the
// split reuses.
func (s *Split) hashScored(p *Part) [16]byte {
	s.scratch = s.appendBody(s.scratch[:0], p)
	return hashOf(s.scratch)
}

// part is the index of p among the split's parts, added if new.
func (s *Split) part(p Part) int {
	if i, ok := s.find(p.Hash); ok {
		return i
	}
	s.Parts = append(s.Parts, p)
	if s.partsAt != nil {
		s.partsAt[p.Hash] = len(s.Parts) - 1
	}
	return len(s.Parts) - 1
}

// find is the index of the element part named h (the outline, Parts[0],
// is not among them).
func (s *Split) find(h [16]byte) (int, bool) {
	if s.partsAt == nil && len(s.Parts) > manyParts {
		s.partsAt = make(map[[16]byte]int, 2*len(s.Parts))
		for i := 1; i < len(s.Parts); i++ {
			s.partsAt[s.Parts[i].Hash] = i
		}
	}
	if s.partsAt != nil {
		i, ok := s.partsAt[h]
		return i, ok
	}
	for i := 1; i < len(s.Parts); i++ {
		if s.Parts[i].Hash == h {
			return i, true
		}
	}
	return 0, false
}

// Code is the per-turn code of the set, given the store's id of each part
// (ids[i] for Parts[i]).
func (s *Split) Code(ids []int64) []byte {
	b := make([]byte, 0, 64)
	b = append(b, codeVersion)
	b = binary.AppendUvarint(b, uint64(s.atNanos))
	b = binary.AppendUvarint(b, uint64(ids[0]))
	b = binary.AppendUvarint(b, uint64(len(s.lists)))
	for _, l := range s.lists {
		b = binary.AppendUvarint(b, uint64(len(l)))
		for _, e := range l {
			ref := uint64(ids[e.part]) << 1
			if e.score != nil {
				ref |= 1
			}
			b = binary.AppendUvarint(b, ref)
			if e.score != nil {
				b = appendScore(b, e.score)
			}
		}
	}
	return b
}

// Scores: a small whole number is its own varint (shifted left one); a
// float encoding/json writes back the same is 0x01 and its 8 bytes; any
// other literal is 0x03, its length and its bytes.
const (
	scoreFloat   = 1
	scoreLiteral = 3
)

func appendScore(b, lit []byte) []byte {
	if n, ok := smallInt(lit); ok {
		return binary.AppendUvarint(b, n<<1)
	}
	var buf [32]byte
	if f, err := strconv.ParseFloat(string(lit), 64); err == nil && bytes.Equal(jsontext.AppendFloat(buf[:0], f), lit) {
		b = append(b, scoreFloat)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	b = append(b, scoreLiteral)
	b = binary.AppendUvarint(b, uint64(len(lit)))
	return append(b, lit...)
}

func smallInt(lit []byte) (uint64, bool) {
	if len(lit) == 0 || len(lit) > 15 || (lit[0] == '0' && len(lit) > 1) {
		return 0, false
	}
	var n uint64
	for _, c := range lit {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// isQuoted reports whether v is s as encoding/json writes it: most values
// are s between quotes, nothing escaped, which needs no encoding to tell.
func isQuoted(v []byte, s string) bool {
	if len(v) == len(s)+2 && v[0] == '"' && v[len(v)-1] == '"' && string(v[1:len(v)-1]) == s && !jsontext.NeedsEscape(s) {
		return true
	}
	return bytes.Equal(v, quote(s))
}

// quote is s as a JSON string, written as encoding/json writes it.
func quote(s string) []byte { return jsontext.AppendString(nil, s) }

// ErrCode is a code that does not read; the turn's set is lost to it.
var ErrCode = errors.New("suggestion set code does not read")

// code reads a per-turn code.
type code struct {
	b []byte
	i int
}

func (c *code) uvarint() (uint64, error) {
	v, n := binary.Uvarint(c.b[c.i:])
	if n <= 0 {
		return 0, ErrCode
	}
	c.i += n
	return v, nil
}

// Refs lists the ids of the parts code refers to, repeats included.
func Refs(b []byte, ids []int64) ([]int64, error) {
	c := &code{b: b}
	if len(b) == 0 || b[0] != codeVersion {
		return ids, ErrCode
	}
	c.i = 1
	if _, err := c.uvarint(); err != nil { // the time's nanoseconds
		return ids, err
	}
	outline, err := c.uvarint()
	if err != nil {
		return ids, err
	}
	ids = append(ids, int64(outline))
	lists, err := c.uvarint()
	if err != nil {
		return ids, err
	}
	for range lists {
		n, err := c.uvarint()
		if err != nil {
			return ids, err
		}
		for range n {
			ref, err := c.uvarint()
			if err != nil {
				return ids, err
			}
			ids = append(ids, int64(ref>>1))
			if ref&1 == 1 {
				if _, err := c.appendScore(nil); err != nil {
					return ids, err
				}
			}
		}
	}
	return ids, nil
}

// appendScore reads a score and appends its literal to out.
func (c *code) appendScore(out []byte) ([]byte, error) {
	v, err := c.uvarint()
	if err != nil {
		return nil, err
	}
	switch {
	case v&1 == 0:
		return strconv.AppendUint(out, v>>1, 10), nil
	case v == scoreFloat:
		if len(c.b)-c.i < 8 {
			return nil, ErrCode
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(c.b[c.i:]))
		c.i += 8
		return jsontext.AppendFloat(out, f), nil
	case v == scoreLiteral:
		n, err := c.uvarint()
		if err != nil || uint64(len(c.b)-c.i) < n {
			return nil, ErrCode
		}
		lit := c.b[c.i : c.i+int(n)]
		c.i += int(n)
		return append(out, lit...), nil
	}
	return nil, ErrCode
}

// Join puts the set coded by b back together, the turn's columns taken from
// row and each part's body from body.
func Join(b []byte, row Row, body func(id int64) ([]byte, bool)) ([]byte, error) {
	return joinTo(make([]byte, 0, 4096), b, row, body)
}

// joinTo is Join appending to out.
func joinTo(out, b []byte, row Row, body func(id int64) ([]byte, bool)) ([]byte, error) {
	c := &code{b: b}
	if len(b) == 0 || b[0] != codeVersion {
		return nil, ErrCode
	}
	c.i = 1
	nanos, err := c.uvarint()
	if err != nil || nanos > 999 {
		return nil, ErrCode
	}
	id, err := c.uvarint()
	if err != nil {
		return nil, err
	}
	outline, ok := body(int64(id))
	if !ok {
		return nil, fmt.Errorf("suggestion set part %d is missing", id)
	}
	lists, err := c.uvarint()
	if err != nil {
		return nil, err
	}
	for len(outline) > 0 {
		at := bytes.IndexByte(outline, hole)
		if at < 0 {
			out = append(out, outline...)
			break
		}
		out = append(out, outline[:at]...)
		if at+1 >= len(outline) {
			return nil, ErrCode
		}
		kind := outline[at+1]
		outline = outline[at+2:]
		switch kind {
		case holeConversation:
			out = jsontext.AppendString(out, row.Conversation)
		case holeTurn:
			out = strconv.AppendInt(out, int64(row.Index), 10)
		case holeRole:
			out = jsontext.AppendString(out, row.Role)
		case holeText:
			out = jsontext.AppendString(out, row.Text)
		case holeAt:
			off, n := binary.Varint(outline)
			if n <= 0 {
				return nil, ErrCode
			}
			outline = outline[n:]
			out = jsontext.AppendString(out, atIn(row.At, int(off), int(nanos)))
		case holeList:
			if lists == 0 {
				return nil, ErrCode
			}
			lists--
			if out, err = c.joinList(out, body); err != nil {
				return nil, err
			}
		default:
			return nil, ErrCode
		}
	}
	if lists != 0 || c.i != len(c.b) {
		return nil, ErrCode
	}
	return out, nil
}

func (c *code) joinList(out []byte, body func(id int64) ([]byte, bool)) ([]byte, error) {
	n, err := c.uvarint()
	if err != nil {
		return nil, err
	}
	out = append(out, '[')
	for i := range n {
		if i > 0 {
			out = append(out, ',')
		}
		ref, err := c.uvarint()
		if err != nil {
			return nil, err
		}
		part, ok := body(int64(ref >> 1))
		if !ok {
			return nil, fmt.Errorf("suggestion set part %d is missing", ref>>1)
		}
		if ref&1 == 0 {
			out = append(out, part...)
			continue
		}
		at := bytes.IndexByte(part, hole)
		if at < 0 || at+1 >= len(part) || part[at+1] != holeScore {
			return nil, ErrCode
		}
		out = append(out, part[:at]...)
		if out, err = c.appendScore(out); err != nil {
			return nil, err
		}
		out = append(out, part[at+2:]...)
	}
	return append(out, ']'), nil
}
