package classify

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"assist/kb/fold"
	"assist/kb/segment"
)

// maxGram is the longest character n-gram the model reads.
const maxGram = 3

// feature is one thing the model weighs in a turn: a character n-gram or a
// gse word, hashed, with where it stands in the turn (runes), so the panel
// can show it and the lexicon's checks can judge it.
type feature struct {
	hash       uint64
	start, end int32
}

// Feature kinds, mixed into the hash so a one-character word and the same
// character as a 1-gram weigh apart.
const (
	tagGram byte = 'g'
	tagWord byte = 'w'
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func mix(h uint64, r rune) uint64 {
	for v := uint32(r); ; v >>= 8 {
		h ^= uint64(v & 0xff)
		h *= fnvPrime
		if v < 0x100 {
			return h
		}
	}
}

// features reads a turn: character 1- to 3-grams within each run of letters
// and digits, a run of digits reading as one symbol (a price, a quantity or
// an order number weighs by where it stands, not by its digits), and the
// words gse cuts it into.
func features(text string, buf []feature) []feature {
	var sc featScratch
	return sc.features(text, buf)
}

// featScratch is memory features works in, kept by a Reading from one turn
// to the next.
type featScratch struct {
	syms []rune
	from []int32
}

func (sc *featScratch) features(text string, buf []feature) []feature {
	out := buf[:0]
	// syms is the turn as the n-grams read it; from[i] is where syms[i]
	// starts in the turn's runes, from[len(syms)] where the last one ends.
	syms, from := slices.Grow(sc.syms[:0], len(text)), slices.Grow(sc.from[:0], len(text)+1)
	defer func() { sc.syms, sc.from = syms, from }()
	n, digits := int32(0), false
	for _, r := range text {
		r = fold.Rune(r)
		if unicode.IsDigit(r) {
			if digits {
				n++
				continue
			}
			r, digits = '0', true
		} else {
			digits = false
		}
		syms = append(syms, r)
		from = append(from, n)
		n++
	}
	from = append(from, n)
	for i := range syms {
		if !wordRune(syms[i]) {
			continue
		}
		h := mix(fnvOffset, rune(tagGram))
		for k := 1; k <= maxGram && i+k <= len(syms) && wordRune(syms[i+k-1]); k++ {
			h = mix(h, syms[i+k-1])
			out = append(out, feature{hash: h ^ uint64(k), start: from[i], end: from[i+k]})
		}
	}
	toks := segment.Tokens(text)
	if len(toks) == 0 {
		return out
	}
	folded := fold.String(text)
	// Token offsets are bytes of the folded text; turn them into runes.
	at, pos := 0, 0
	for _, t := range toks {
		if t.Start < at {
			at, pos = 0, 0
		}
		pos += utf8.RuneCountInString(folded[at:t.Start])
		at = t.Start
		h := mix(fnvOffset, rune(tagWord))
		for _, r := range t.Term {
			h = mix(h, r)
		}
		out = append(out, feature{hash: h, start: int32(pos), end: int32(pos + utf8.RuneCountInString(t.Term))})
	}
	return out
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
