// Package fold maps text to one canonical form before it is indexed, searched
// or matched against cue words: traditional Chinese to simplified, full-width
// to half-width, upper case to lower case. It has no dependencies so the
// index, the query side and the nudge logic all fold the same way.
package fold

import (
	"strings"
	"unicode"
)

// Rune folds one rune.
func Rune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII forms
		r -= 0xFEE0
	case r == 0x3000: // ideographic space
		r = ' '
	}
	if s, ok := simplified[r]; ok {
		return s
	}
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
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
