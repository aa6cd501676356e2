package promise

import (
	"slices"
	"sync"
	"time"

	"assist/kb/fold"
)

// Checker finds and checks time promises. It is read-only once built and
// safe for concurrent use.
type Checker struct {
	table table
}

// NewChecker builds a checker over lex; nil means the embedded default.
func NewChecker(lex *Lexicon) *Checker {
	if lex == nil {
		lex = DefaultLexicon()
	}
	return &Checker{table: newTable(lex)}
}

var (
	defaultOnce    sync.Once
	defaultChecker *Checker
)

// Default is the checker over the embedded lexicon, built once.
func Default() *Checker {
	defaultOnce.Do(func() { defaultChecker = NewChecker(nil) })
	return defaultChecker
}

// found is a promise with what the checker needs to judge it.
type found struct {
	Promise
	when       when
	hasCond    bool
	condBefore bool      // "16点前付款": the condition is a latest time
	condNow    bool      // "现在下单": the condition is the turn's own time
	condDay    time.Time // midnight of the day the promise is about
	hedgeWord  string
}

// Find returns the time promises in text, in order. now is the time of the
// turn; loc the shop's timezone (nil: now's).
func (c *Checker) Find(text string, now time.Time, loc *time.Location) []Promise {
	fs := c.find(text, now, loc)
	if len(fs) == 0 {
		return nil
	}
	out := make([]Promise, len(fs))
	for i := range fs {
		out[i] = fs[i].Promise
	}
	return out
}

// reader holds one turn's text while it is read.
type reader struct {
	orig, folded []rune
	toks         []token
	now, today   time.Time
	// deliverHedge is the first 以快递为准-like word anywhere in the turn
	// (-1 none): it qualifies every delivery promise, even across a full stop.
	deliverHedge int

	runes []rune // orig and folded's memory, kept with the reader
}

// readers keeps readers given back, with their memory: a turn's reader
// was a few KB, read on every turn (docs/figures.md, session 23).
var readers = sync.Pool{New: func() any { return new(reader) }}

// maxKeptRunes: the reader of a longer text is not kept for another.
const maxKeptRunes = 4096

func (c *Checker) find(text string, now time.Time, loc *time.Location) []found {
	if loc == nil {
		loc = now.Location()
	}
	now = now.In(loc)
	// fold.String folds rune by rune, so folding each rune keeps offsets
	// into the original text for quoting the agent's own words.
	rd := readers.Get().(*reader)
	defer func() {
		if cap(rd.runes) <= maxKeptRunes {
			readers.Put(rd)
		}
	}()
	runes := slices.Grow(rd.runes[:0], 2*len(text)/3+8)
	for _, r := range text {
		runes = append(runes, r)
	}
	n := len(runes)
	for _, r := range runes[:n] {
		runes = append(runes, fold.Rune(r))
	}
	toks := slices.Grow(rd.toks[:0], 48)
	*rd = reader{orig: runes[:n], folded: runes[n:], now: now, runes: runes}
	rd.toks = scan(c.table, rd.folded, toks)
	y, m, d := now.Date()
	rd.today = time.Date(y, m, d, 0, 0, 0, 0, loc)
	rd.deliverHedge = -1
	for k, t := range rd.toks {
		if t.cat == cHedgeDeliver {
			rd.deliverHedge = k
			break
		}
	}

	var out []found
	start := 0
	for i, t := range rd.toks {
		if t.cat == tStrong || t.cat == tQMark {
			out = rd.sentence(start, i, t.cat == tQMark, out)
			start = i + 1
		}
	}
	return rd.sentence(start, len(rd.toks), false, out)
}
