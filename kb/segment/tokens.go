package segment

import (
	"strings"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"assist/kb/fold"
)

// Token is one word of a text.
type Token struct {
	Term string
	// Start and End are byte offsets of Term in the folded text.
	Start, End int
	// Position counts words from 1. A sub-word shares the position of the
	// word it is part of, so bleve's phrase queries treat it as an
	// alternative of that word, not as the next word.
	Position int
}

// Tokens folds text and cuts it into words, dropping punctuation, spaces,
// symbols, emoji and function words (stopwords.txt). A dropped function word
// still takes its position, so a phrase query never joins its neighbours.
//
// Each word is followed by its dictionary sub-words of two or more
// characters (gse's search mode): 羽绒服 also yields 羽绒, 保质期 also
// yields 保质. Chat lines are short and buyers name things loosely, so a
// query for 羽绒 must find a product titled 羽绒服, and a product title
// taught whole through AddWords must still match the words inside it.
// Single-character sub-words (服, 期) are left out: they match nearly every
// document and would drown the real matches.
//
// The tokens of a line cut lately are kept and given again: the slice is
// shared and must not be changed (its capacity is its length, so an
// append copies).
func Tokens(text string) []Token {
	folded := fold.String(text)
	if folded == "" {
		return nil
	}
	c := reading()
	defer c.mu.RUnlock()
	if toks, ok := c.cut.get(folded); ok {
		return toks
	}
	toks := c.tokens(folded)
	toks = toks[:len(toks):len(toks)]
	c.cut.keep(folded, toks)
	return toks
}

// tokens cuts folded text with c, read-locked by the caller.
func (c *copyOf) tokens(folded string) []Token {
	segs := c.seg.Segment([]byte(folded))
	toks := make([]Token, 0, len(segs)+len(segs)/2)
	pos := 0
	for _, sg := range segs {
		term := folded[sg.Start():sg.End()]
		if !hasWord(term) {
			continue
		}
		pos++
		if stop[term] {
			continue
		}
		toks = append(toks, Token{Term: term, Start: sg.Start(), End: sg.End(), Position: pos})
		toks = c.appendSubwords(toks, folded, sg.Token(), sg.Start(), pos)
	}
	return toks
}

// appendSubwords walks gse's tree of sub-words below tok, whose text starts
// at byte base of folded.
func (c *copyOf) appendSubwords(toks []Token, folded string, tok *gse.Token, base, pos int) []Token {
	if tok == nil {
		return toks
	}
	for _, sub := range c.subwords(tok) {
		start, end := base+sub.Start(), base+sub.End()
		term := folded[start:end]
		if utf8.RuneCountInString(term) < 2 || !hasWord(term) || stop[term] {
			continue
		}
		toks = append(toks, Token{Term: term, Start: start, End: end, Position: pos})
		toks = c.appendSubwords(toks, folded, sub.Token(), start, pos)
	}
	return toks
}

// Words is the terms of Tokens(text), sub-words included.
func Words(text string) []string {
	toks := Tokens(text)
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Term
	}
	return words
}

// hasWord reports whether s holds a letter or digit; anything else is
// punctuation, space, a symbol or an emoji.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !notWordRune(r) }) >= 0
}
