package cues

import (
	"slices"
	"sync"

	"assist/kb/fold"
)

// maxChainGap is how far apart, in characters, the links of a chained cue
// (不…就…差评) may be.
const maxChainGap = 8

// maxFillerGap is how many characters of [filler] words may stand between a
// negation and its cue (不会有破损: 会有 between 不 and 破损).
const maxFillerGap = 4

// hit is one matched word, in runes of the turn.
type hit struct {
	elem       int32
	class      class
	dead       bool // shadowed by a longer function word or an [ordinary] phrase
	start, end int
}

// firing is one cue rule that held in the turn.
type firing struct {
	cat        int
	spans      [][2]int // one per term
	questioned bool     // only asked about, so far
	word       bool     // the rule is one plain word, no + or …
}

// detector holds one Detect call's working state.
type detector struct {
	lex     *Lexicon
	role    string
	orig    []rune
	text    []rune // folded
	at      []int32
	clauses []clause
	qform   []int8 // per clause: 0 unknown, 1 question form, 2 not
	hits    []hit
}

// Detect finds the cues of one turn. role is "buyer" or "agent"; kinds are
// read only in the role they belong to (upsell in buyer turns, wording in
// agent turns …). Cues come in the order they first appear in the text.
func (l *Lexicon) Detect(role string, text string) []Cue {
	if text == "" || (role != "buyer" && role != "agent") {
		return nil
	}
	d := l.scan(role, text)
	defer d.release()
	if len(d.hits) == 0 {
		return nil
	}
	d.shadow()
	return d.resolve(d.fire())
}

// detectors keeps detectors given back, their slices with them: a turn's
// detector was seven slices, read once per line (docs/figures.md, session
// 23).
var detectors = sync.Pool{New: func() any { return new(detector) }}

// maxKeptRunes: a detector of a longer text is not kept for another.
const maxKeptRunes = 2048

// scan folds and cuts text and finds the lexicon's entries in it, in a
// detector from the pool; release it once done.
func (l *Lexicon) scan(role, text string) *detector {
	d := detectors.Get().(*detector)
	d.lex, d.role = l, role
	d.orig = d.orig[:0]
	for _, r := range text {
		d.orig = append(d.orig, r)
	}
	d.text = slices.Grow(d.text[:0], len(d.orig))[:len(d.orig)]
	for i, r := range d.orig {
		d.text[i] = fold.Rune(r)
	}
	d.at = slices.Grow(d.at[:0], len(d.text))[:len(d.text)]
	d.clauses = split(d.text, d.at, d.clauses[:0])
	d.qform = slices.Grow(d.qform[:0], len(d.clauses))[:len(d.clauses)]
	clear(d.qform)
	d.hits = d.hits[:0]
	l.trie.scan(d.text, func(e int32, start, end int) {
		el := l.elems[e]
		if el.class == cRule && l.cats[l.rules[el.rule].cat].role != role {
			return
		}
		d.hits = append(d.hits, hit{elem: e, class: el.class, start: start, end: end})
	})
	return d
}

// release gives d back to the pool; nothing of it may be used after (what
// Detect returns holds copies).
func (d *detector) release() {
	if cap(d.orig) > maxKeptRunes {
		return
	}
	d.lex = nil
	detectors.Put(d)
}

// shadow lets the longest function word win where function words nest
// (会不会 over 不会, 不好意思 over 不), then lets a standing [ordinary] word
// hide the cues inside or across it (第一时间 hides 第一, 多少 hides 少一支)
// unless the cue holds it whole.
func (d *detector) shadow() {
	for i := range d.hits {
		h := &d.hits[i]
		if h.class == cRule {
			continue
		}
		for j := range d.hits {
			g := &d.hits[j]
			if i != j && g.class != cRule && g.start <= h.start && h.end <= g.end && g.end-g.start > h.end-h.start {
				h.dead = true
				break
			}
		}
	}
	for i := range d.hits {
		h := &d.hits[i]
		if h.class != cRule {
			continue
		}
		h.dead = d.any(cOrdinary, func(g *hit) bool {
			overlap := g.start < h.end && h.start < g.end
			holds := h.start <= g.start && g.end <= h.end
			return overlap && !holds
		})
	}
}

// fire evaluates every rule whose first word was found.
func (d *detector) fire() []firing {
	var out []firing
	done := map[int32]bool{}
	for i := range d.hits {
		h := &d.hits[i]
		if h.dead || h.class != cRule {
			continue
		}
		for _, ri := range d.lex.first[h.elem] {
			if done[ri] {
				continue
			}
			done[ri] = true
			out = append(out, d.rule(ri)...)
		}
	}
	return out
}

// rule finds every way the rule holds: one firing per place its first term
// holds, with the best place of each other term.
func (d *detector) rule(ri int32) []firing {
	r := &d.lex.rules[ri]
	cat := &d.lex.cats[r.cat]
	var rest [][2]int
	restQ := false
	for _, term := range r.terms[1:] {
		chains := d.chains(term, cat.checks)
		if len(chains) == 0 {
			return nil
		}
		best := chains[0]
		for _, c := range chains {
			if !c.questioned {
				best = c
				break
			}
		}
		rest = append(rest, best.span)
		restQ = restQ || best.questioned
	}
	var out []firing
	for _, c := range d.chains(r.terms[0], cat.checks) {
		spans := append([][2]int{c.span}, rest...)
		out = append(out, firing{cat: r.cat, spans: spans, questioned: c.questioned || restQ,
			word: len(r.terms) == 1 && len(r.terms[0]) == 1})
	}
	return out
}

type chain struct {
	span       [2]int
	questioned bool
}

// chains finds each place a term's links follow one another in a sentence,
// at most maxChainGap apart, every link passing the category's checks.
func (d *detector) chains(term []int32, checks check) []chain {
	var out []chain
	var follow func(link int, prev *hit, first int, q bool)
	follow = func(link int, prev *hit, first int, q bool) {
		if link == len(term) {
			out = append(out, chain{span: [2]int{first, prev.end}, questioned: q})
			return
		}
		for i := range d.hits {
			h := &d.hits[i]
			if h.dead || h.elem != term[link] {
				continue
			}
			if prev != nil && (h.start < prev.end || h.start-prev.end > maxChainGap ||
				d.clauses[d.at[h.start]].sentence != d.clauses[d.at[prev.start]].sentence) {
				continue
			}
			ok, hq := d.passes(h, checks)
			if !ok {
				continue
			}
			start := first
			if prev == nil {
				start = h.start
			}
			n := len(out)
			follow(link+1, h, start, q || hq)
			if prev != nil && len(out) > n {
				return // the nearest next link that completes the chain is enough
			}
		}
	}
	follow(0, nil, 0, false)
	return out
}

// any reports whether a live hit of class c satisfies f.
func (d *detector) any(c class, f func(*hit) bool) bool {
	for i := range d.hits {
		h := &d.hits[i]
		if !h.dead && h.class == c && f(h) {
			return true
		}
	}
	return false
}
