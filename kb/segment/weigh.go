package segment

import (
	"math"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode"
	"unsafe"

	"github.com/go-ego/gse"
)

// gse weighs its dictionary (CalcToken) on one core: each word's distance,
// then each word's sub-words, a shortest-path cut of the word against the
// whole dictionary, 0.4 s of every load. The sub-words of one word depend
// only on the dictionary and the distances, so weigh does the same work
// split over the cores. It writes gse's unexported fields through gseToken,
// a mirror of gse.Token checked field by field against gse's own type
// (name, type, offset): a gse whose Token differs is weighed by its own
// CalcToken, and TestWeighAsGse compares the two word by word.
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

// weigh is gse's CalcToken, the sub-words computed on every core.
func weigh(seg *gse.Segmenter) {
	if !tokenMirrored || len(seg.Dict.Tokens) == 0 {
		seg.CalcToken()
		return
	}
	weighDistances(seg)
	weighSubwordsOf(seg)
}

// weighDistances is the first half of CalcToken: each word's distance,
// all that gse's shortest-path cut needs. tokenMirrored must hold.
func weighDistances(seg *gse.Segmenter) {
	toks := seg.Dict.Tokens
	logTotalFreq := float32(math.Log2(seg.Dict.TotalFreq()))
	for i := range toks {
		t := mirror(&toks[i])
		t.distance = logTotalFreq - float32(math.Log2(t.freq))
	}
}

// weighSubwords weighs the sub-words of a copy made without them, while
// text is cut with it (a read lock: no word is added meanwhile), and marks
// them in. Readers do not look at a word's sub-words until then.
func (c *copyOf) weighSubwords() {
	if c.subwordsIn.Load() { // weighed whole (no mirror of gse.Token)
		return
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	weighSubwordsOf(&c.seg)
	c.subwordsIn.Store(true)
}

// subwords is a word's sub-words as CalcToken records them, cut now if
// they are not in yet. The caller holds c read-locked.
func (c *copyOf) subwords(tok *gse.Token) []*gse.Segment {
	if c.subwordsIn.Load() {
		return tok.Segments()
	}
	return subwords(segmentWords(&c.seg, mirror(tok).text, true))
}

// weighSubwordsOf is the second half of CalcToken on every core: each
// word's sub-words.
func weighSubwordsOf(seg *gse.Segmenter) {
	toks := seg.Dict.Tokens
	// Workers take chunks of words in turn: long words cost more, and
	// they are not spread evenly through the dictionary.
	const chunk = 2048
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(toks) {
					return
				}
				for i := lo; i < min(lo+chunk, len(toks)); i++ {
					t := mirror(&toks[i])
					t.segments = subwords(segmentWords(seg, t.text, true))
				}
			}
		})
	}
	wg.Wait()
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
