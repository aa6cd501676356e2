package web

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"assist/kb"
)

// validText checks a turn, a draft or a phrase: some visible text, at most
// maxTextRunes, and none of the characters that have no place in a chat
// line and could hide or disguise what it says: control characters (NUL,
// ESC …; tab and line breaks are fine) and the bidirectional overrides and
// isolates (U+202A–U+202E, U+2066–U+2069) that make text read in another
// order than it is stored. Text of only spaces and invisible characters
// (zero-width space and joiners, BOM, fillers) is refused as empty.
func validText(text string) error {
	if !utf8.ValidString(text) {
		return kb.Errorf(kb.EInvalid, "text is not valid UTF-8")
	}
	n, visible := 0, false
	for _, r := range text {
		n++
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case unicode.IsControl(r):
			return kb.Errorf(kb.EInvalid, "text has the control character %U at character %d: remove it", r, n)
		case directionControl(r):
			return kb.Errorf(kb.EInvalid, "text has %U at character %d, a direction control that can make text read "+
				"in another order than it is written: remove it", r, n)
		case !unicode.IsSpace(r) && !invisible(r):
			visible = true
		}
	}
	if strings.TrimSpace(text) == "" {
		return kb.Errorf(kb.EInvalid, "text is empty")
	}
	if !visible {
		return kb.Errorf(kb.EInvalid, "text has no visible character, only spaces and invisible ones (such as U+200B)")
	}
	if n > maxTextRunes {
		return kb.Errorf(kb.EInvalid, "text has %d characters: at most %d", n, maxTextRunes)
	}
	return nil
}

// directionControl reports the embeddings, overrides and isolates of the
// Unicode bidirectional algorithm. The marks U+200E and U+200F only nudge
// neutral characters and are allowed.
func directionControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// invisible reports characters that show nothing by themselves: format
// characters (zero-width space and joiners, BOM, soft hyphen …) and the
// fillers and blanks that render as empty space.
func invisible(r rune) bool {
	switch r {
	case 0x034F, 0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}
