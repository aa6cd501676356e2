// Package jsontext writes JSON values byte for byte as encoding/json writes
// them, for the paths that run on every turn: a suggestion set is encoded
// once a turn and its parts are checked against their stored form. Strings
// that need an escape go through encoding/json itself, so its rules (HTML
// characters, invalid UTF-8, U+2028) are never restated here. It also scans
// JSON text (scan.go), for the paths that read a few members of a stored set
// without decoding the rest.
package jsontext

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"assist/kb/memo"
)

// NeedsEscape reports whether encoding/json writes s with an escape: a
// quote, a backslash, a control or HTML character, invalid UTF-8, or a
// line or paragraph separator.
func NeedsEscape(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return true
			}
			i++
		case 0xE1 <= c && c <= 0xEF && c != 0xED:
			// Three bytes, the second free of the extra bounds E0 and ED
			// have: most Chinese, read without the decoder (a third of
			// the time).
			if i+2 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 {
				return true
			}
			if c == 0xE2 && s[i+1] == 0x80 && s[i+2]|1 == 0xA9 { // U+2028, U+2029
				return true
			}
			i += 3
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return true
			}
			i += n
		}
	}
	return false
}

// AppendString appends s as a JSON string as encoding/json writes it: most
// strings between quotes as they are, the rest through encoding/json.
func AppendString(b []byte, s string) []byte {
	if !NeedsEscape(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return append(b, escapedString(s)...)
}

// escapedString is json.Marshal(s), shared: callers must not change it.
func escapedString(s string) []byte {
	if q, ok := escapedStrings.GetString(s); ok {
		return q
	}
	q, _ := json.Marshal(s)                 // a string always encodes
	escapedStrings.Put(strings.Clone(s), q) // not to hold a larger string s is part of
	return q
}

// escapedStrings keeps what encoding/json wrote for strings that needed an
// escape, 1 MiB of them: a statute article's paragraphs are lines, and the
// same articles are sent turn after turn, where encoding/json wrote each at
// a fifth of the speed a plain string is copied (docs/figures.md, session
// 35).
var escapedStrings = memo.New[[]byte](1 << 20)

// AppendFloat appends f as encoding/json writes a float64. encoding/json
// refuses NaN and the infinities: check for them first.
func AppendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	n0 := len(b)
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 → e-9
		if n := len(b); n-n0 >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// Finite reports whether encoding/json writes f (not NaN, not infinite).
func Finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
