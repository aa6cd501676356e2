package segment

import (
	"unicode"
	"unicode/utf8"
)

// The cut is gse's (v0.80.3, segmenter.go): text is split into units (a
// Chinese character, or a run of letters and digits), and the words of the
// dictionary that start at each unit are weighed along the shortest path,
// where a word costs log2(total/freq) and a unit no word covers costs 32.
// Sub-words are the same cut applied inside a word, the word itself left
// out (gse's search mode). Keeping the algorithm exact keeps every index
// built before it valid; TestCutMatchesGse pins it against gse itself.

// piece is one cut of a text: bytes [start, end), and the dictionary word
// it is (nil for a lone unit no word covers).
type piece struct {
	start, end int
	tok        *token
}

// unitEnds returns the end offset of each unit of text (gse's
// SplitTextToWords: runs of letters and digits of at most two bytes a rune
// make one unit; any other rune is a unit of its own).
func unitEnds(text string, ends []int) []int {
	inRun := false
	for i, r := range text {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1
			if len(text) > i {
				_, size = utf8.DecodeRuneInString(text[i:])
			}
		}
		if size <= 2 && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
			inRun = true
			continue
		}
		if inRun && i != 0 {
			ends = append(ends, i)
		}
		inRun = false
		ends = append(ends, i+size)
	}
	if inRun && len(text) != 0 {
		ends = append(ends, len(text))
	}
	return ends
}

func countUnits(text string) int {
	var buf [32]int
	return len(unitEnds(text, buf[:0]))
}

// pseudoDistance is what a unit no word covers costs.
const pseudoDistance = 32

type jumper struct {
	min   float32
	tok   *token
	units int // the length of the step that reaches here, in units
}

// cut cuts text (ASCII letters lower-cased) along the shortest path. In
// search mode a text of one unit is not cut and the whole text is not one
// of its own pieces.
func (d *dictionary) cut(text string, search bool) []piece {
	var buf [64]int
	ends := unitEnds(text, buf[:0])
	n := len(ends)
	if n == 0 || search && n == 1 {
		return nil
	}
	startOf := func(i int) int {
		if i == 0 {
			return 0
		}
		return ends[i-1]
	}
	var jbuf [64]jumper
	jumpers := jbuf[:0]
	if n <= len(jbuf) {
		jumpers = jbuf[:n]
	} else {
		jumpers = make([]jumper, n)
	}
	update := func(j *jumper, dist float32, tok *token, units int) {
		if j.min == 0 || j.min > dist {
			j.min, j.tok, j.units = dist, tok, units
		}
	}
	for cur := 0; cur < n; cur++ {
		var base float32
		if cur > 0 {
			base = jumpers[cur-1].min
		}
		found, firstUnits := 0, 0
		from := startOf(cur)
		for j := cur; j < n && j < cur+d.maxUnits; j++ {
			tok, ok := d.lookup(text[from:ends[j]])
			if !ok {
				break
			}
			if tok == nil {
				continue
			}
			found++
			if found == 1 {
				firstUnits = j - cur + 1
			}
			if !search || cur != 0 || j != n-1 {
				update(&jumpers[j], base+d.distance(tok), tok, j-cur+1)
			}
		}
		if found == 0 || firstUnits > 1 {
			update(&jumpers[cur], base+pseudoDistance, nil, 1)
		}
	}
	count := 0
	for i := n - 1; i >= 0; i -= jumpers[i].units {
		count++
	}
	out := make([]piece, count)
	for i := n - 1; i >= 0; i -= jumpers[i].units {
		count--
		out[count] = piece{start: startOf(i - jumpers[i].units + 1), end: ends[i], tok: jumpers[i].tok}
	}
	return out
}

// subwords is t's sub-words under dictionary d: the search-mode cut of its
// text, less single kana (as gse leaves them out). Cached per dictionary
// version, since a word learnt later may cut a word otherwise.
func (d *dictionary) subwords(t *token) []piece {
	if t == nil || t.units < 2 {
		return nil
	}
	if c := t.sub.Load(); c != nil && c.version == d.version {
		return c.segs
	}
	all := d.cut(t.text, true)
	segs := all[:0]
	for _, p := range all {
		if r, size := utf8.DecodeRuneInString(t.text[p.start:p.end]); size == p.end-p.start && isKana(r) {
			continue
		}
		segs = append(segs, p)
	}
	t.sub.Store(&subwords{version: d.version, segs: segs})
	return segs
}

func isKana(r rune) bool { return unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) }
