// Package fold maps text to one canonical form before it is indexed, searched
// or matched against cue words: traditional Chinese to simplified, full-width
// to half-width, upper case to lower case. It has no dependencies so the
// index, the query side and the nudge logic all fold the same way.
package fold

//go:generate go run ./gen -o table.go

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rune folds one rune.
func Rune(r rune) rune {
	switch {
	case r < 0x80:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII forms
		return Rune(r - 0xFEE0)
	case r == 0x3000: // ideographic space
		return ' '
	}
	if firstIdeograph <= r && r <= lastIdeograph && !traditional.has(r) {
		return r // a simplified or common ideograph: most of any Chinese line
	}
	// A map beat binary search over the sorted table by about 2.5x in
	// BenchmarkLookup (fold_test.go).
	if s, ok := simplified[r]; ok {
		return s
	}
	if caseless(r) {
		return r
	}
	return unicode.ToLower(r)
}

// The ideographs from CJK Extension A through the unified block, where
// nearly every rune of Chinese text is: a bit each says whether the table
// maps it. A line of simplified text is checked against 3.4 KiB that stay
// in the processor's cache, where each map lookup hashed the rune and read
// a group of the table's 6,000 entries, one more cache miss per rune in a
// busy server (docs/figures.md, session 33).
const (
	firstIdeograph = 0x3400
	lastIdeograph  = 0x9FFF
)

type ideographSet [(lastIdeograph - firstIdeograph + 64) / 64]uint64

func (s *ideographSet) has(r rune) bool {
	i := r - firstIdeograph
	return s[i>>6]&(1<<(i&63)) != 0
}

var traditional = func() (s ideographSet) {
	for r := range simplified {
		if firstIdeograph <= r && r <= lastIdeograph {
			i := r - firstIdeograph
			s[i>>6] |= 1 << (i & 63)
		}
	}
	return s
}()

// caseless reports ranges that hold no cased letters (CJK radicals through
// the unified ideographs, and every plane from the supplementary ideographs
// up), so most Chinese text skips unicode.ToLower and its range search.
// TestCaseless pins this against the unicode tables.
func caseless(r rune) bool {
	return (r >= 0x2E80 && r <= 0x9FFF) || r >= 0x20000
}

// String folds every rune of s. It returns s itself when nothing changes, so
// folding already-folded text does not allocate.
func String(s string) string {
	for i, r := range s {
		if Rune(r) != r {
			var b strings.Builder
			b.Grow(len(s))
			b.WriteString(s[:i])
			for _, r := range s[i:] {
				b.WriteRune(Rune(r))
			}
			return b.String()
		}
	}
	return s
}

// Lower is strings.ToLower(s). It returns s itself, without a look at the
// case tables, when s holds only ASCII without capitals and caseless runes:
// most of a Chinese shop's search terms, each looked up lower-cased in the
// index's term counts several times a turn.
func Lower(s string) string {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return strings.ToLower(s)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !caseless(r) { // invalid UTF-8 too: ToLower writes U+FFFD for it
			return strings.ToLower(s)
		}
		i += n
	}
	return s
}
