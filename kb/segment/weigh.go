package segment

import (
	"math"
	"reflect"
	"unicode"
	"unsafe"

	"github.com/go-ego/gse"
)

// gse weighs its dictionary (CalcToken) in two halves: each word's
// distance, all that its shortest-path cut needs, then each word's
// sub-words, a shortest-path cut of the word against the whole dictionary.
// The second half is 0.4 s of CPU per load and 1.5 million small objects
// per copy (half of the server's heap objects, scanned by every garbage
// collection) for 350,000 words, of which chats use a few thousand. So a
// copy is weighed with the first half only and a word's sub-words are cut
// when a text first holds it, then kept (copyOf.subwords): the same
// sub-words, since a copy's dictionary does not change while it is cut
// with. This writes gse's unexported fields through gseToken, a mirror of
// gse.Token checked field by field against gse's own type (name, type,
// offset): a gse whose Token differs is weighed by its own CalcToken, and
// TestSubwordsAsGse compares the two word by word.
type gseToken struct {
	text     []gse.Text
	freq     float64
	pos      string
	distance float32
	segments []*gse.Segment
}

var tokenMirrored = sameLayout(reflect.TypeFor[gse.Token](), reflect.TypeFor[gseToken]())

func sameLayout(a, b reflect.Type) bool {
	if a.Size() != b.Size() || a.NumField() != b.NumField() {
		return false
	}
	for i := range a.NumField() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Type != fb.Type || fa.Offset != fb.Offset {
			return false
		}
	}
	return true
}

// segmentWords is gse's shortest-path cut of a text already split into
// characters and runs of letters (what CalcToken calls on each word).
//
//go:linkname segmentWords github.com/go-ego/gse.(*Segmenter).segmentWords
func segmentWords(seg *gse.Segmenter, text []gse.Text, searchMode bool) []gse.Segment

func mirror(t *gse.Token) *gseToken { return (*gseToken)(unsafe.Pointer(t)) }

// weigh weighs c's dictionary after words were added to it: the distances
// (and the sub-words kept so far are forgotten), or gse's whole CalcToken
// when gse.Token is not mirrored. No reader may be using c.
func (c *copyOf) weigh() {
	c.subs.Clear()
	c.cut.clear()
	if !tokenMirrored {
		// CalcToken writes sub-words into the tokens, which an unscanned
		// copy's must not hold; such a gse keeps nothing (keepable), so
		// every copy is as built.
		c.seg.CalcToken()
		c.gseSubwords = true
		return
	}
	weighDistances(&c.seg)
}

// weighDistances is the first half of CalcToken: each word's distance.
// tokenMirrored must hold.
func weighDistances(seg *gse.Segmenter) {
	toks := seg.Dict.Tokens
	logTotalFreq := float32(math.Log2(seg.Dict.TotalFreq()))
	for i := range toks {
		t := mirror(&toks[i])
		t.distance = logTotalFreq - float32(math.Log2(t.freq))
	}
}

// subwords is a word's sub-words as CalcToken would record them: cut the
// first time a text holds the word, kept after. The caller holds c
// read-locked.
func (c *copyOf) subwords(tok *gse.Token) []*gse.Segment {
	if c.gseSubwords || !c.inDictionary(tok) {
		// A token gse makes up while cutting (a run of letters or digits,
		// a character it does not know) is new each time and has no
		// sub-words, as CalcToken gives it none: nothing to keep.
		return tok.Segments()
	}
	if s, ok := c.subs.Load(tok); ok {
		return s.([]*gse.Segment)
	}
	s, _ := c.subs.LoadOrStore(tok, subwords(segmentWords(&c.seg, mirror(tok).text, true)))
	return s.([]*gse.Segment)
}

// subwords keeps the pieces CalcToken keeps: every non-empty one but a
// single Japanese kana.
func subwords(segs []gse.Segment) []*gse.Segment {
	n := 0
	for i := range segs {
		if keepSubword(&segs[i]) {
			n++
		}
	}
	out := make([]*gse.Segment, 0, n)
	for i := range segs {
		if keepSubword(&segs[i]) {
			out = append(out, &segs[i])
		}
	}
	return out
}

func keepSubword(s *gse.Segment) bool {
	text := mirror(s.Token()).text
	return len(text) > 0 && !(len(text) == 1 && isKana(text[0]))
}

// isKana is gse.IsJp (a hiragana or katakana rune) without its string
// copy and script-table lookups per rune.
func isKana(b []byte) bool {
	for _, r := range string(b) {
		if unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) {
			return true
		}
	}
	return false
}

// inDictionary reports whether tok is one of c's dictionary words rather
// than one gse made up while cutting.
func (c *copyOf) inDictionary(tok *gse.Token) bool {
	toks := c.seg.Dict.Tokens
	if len(toks) == 0 {
		return false
	}
	first, p := uintptr(unsafe.Pointer(&toks[0])), uintptr(unsafe.Pointer(tok))
	return p >= first && p < first+uintptr(len(toks))*unsafe.Sizeof(toks[0])
}
