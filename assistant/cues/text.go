package cues

import "unicode"

// clause is a stretch of a turn between punctuation: the unit a question
// mark, a 吗 or a 怎么 speaks for. Sentences end at 。!?; and new lines;
// clauses also at commas, 、, ~, spaces and ellipses. Chat often has no
// punctuation at all: the whole turn is then one clause.
type clause struct {
	start, end int // runes; end is the delimiter's index or len(text)
	sentence   int
	qmark      bool // ended by ?
}

// split cuts folded text into clauses, appended to out, and records each
// rune's clause.
func split(text []rune, at []int32, out []clause) []clause {
	start, sentence := 0, 0
	for i := 0; i <= len(text); i++ {
		endSentence, endClause := true, true
		if i < len(text) {
			endSentence, endClause = delimiter(text, i)
		}
		if !endClause {
			continue
		}
		out = append(out, clause{start: start, end: i, sentence: sentence, qmark: i < len(text) && text[i] == '?'})
		for j := start; j <= i && j < len(text); j++ {
			at[j] = int32(len(out) - 1)
		}
		if endSentence {
			sentence++
		}
		start = i + 1
	}
	return out
}

// delimiter reports whether text[i] ends a sentence or only a clause. The
// text is folded, so full-width punctuation is already half-width.
func delimiter(text []rune, i int) (sentence, clause bool) {
	switch text[i] {
	case '。', '!', '?', ';', '\n', '\r':
		return true, true
	case '.':
		// 1.5米 is a number, not the end of a sentence.
		between := i > 0 && i+1 < len(text) && unicode.IsDigit(text[i-1]) && unicode.IsDigit(text[i+1])
		return !between, !between
	case ',', '、', '~', '…', ' ', '\t':
		return false, true
	}
	return false, false
}
