package segment

import (
	"runtime"
	"unsafe"

	"github.com/go-ego/gse"
)

// A copy of the dictionary is 350,000 tokens and a million pieces of
// words, each holding a pointer: two copies are 100 MB the collector would
// walk at every collection, most of a collection's work in a server with
// no panels and 40% of it beside 10,000 panels (docs/figures.md, session
// 32). They never change once read, so a copy read from the kept file (or
// built and read back from its encoding, see loadDict) has them in memory
// the collector does not scan (noscan), and what their pointers reach is
// held as long as the token list is (holdFor). Every pointer written into
// that memory later must be held the same way: words added go through
// addWord, never c.seg.AddToken.

// unscanned holds what a copy's unscanned tokens point to.
type unscanned struct {
	pieces []gse.Text        // the tokens' pieces; they point into words
	words  []byte            // the words' bytes as the file held them
	pos    map[string]string // the parts of speech, one string each
	added  []gse.Token       // tokens added since, as gse made them
}

// holdFor keeps held live as long as the token list tokens is: a cleanup's
// argument lives until its object is collected (the cleanup does nothing).
// The copy is not enough to hold it: a list is reached without its copy,
// through seg.Dict or a cut's *gse.Token.
func holdFor(tokens []gse.Token, held *unscanned) {
	runtime.AddCleanup(&tokens[:1][0], func(*unscanned) {}, held)
}

// noscanOf is n zero T's in memory the collector does not scan: a T's
// pointers there keep nothing alive.
func noscanOf[T any](n int) []T {
	if n == 0 {
		return nil
	}
	words := make([]uint64, (uintptr(n)*unsafe.Sizeof(*new(T))+7)/8)
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(words))), n)
}

// addWord adds a word to c's dictionary as c.seg.AddToken would, holding
// the new token's pointers from c when its token list is unscanned, and
// growing that list as unscanned memory when it is full.
func (c *copyOf) addWord(w word) {
	d := &c.seg.Dict.Tokens
	if c.held == nil {
		c.seg.AddToken(w.text, w.freq)
		return
	}
	t := c.seg.ToToken(w.text, w.freq)
	c.held.added = append(c.held.added, t) // before the list holds it
	if len(*d) == cap(*d) {
		grown := noscanOf[gse.Token](len(*d) + max(len(*d)/4, tokenRoom))
		holdFor(grown, c.held)
		copy(grown, *d)
		*d = grown[:len(*d)]
	}
	// gse's trie only fails on keys it cannot store (empty text); such a
	// word is simply not learned.
	c.seg.Dict.AddToken(t)
}
