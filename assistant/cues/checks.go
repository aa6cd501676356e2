package cues

import "unicode"

// The checks that tell a complaint from a pre-sale question: negation,
// condition and question form, and the reported facts that overrule a
// question (see the head of lexicon.txt).

// passes applies a category's checks to one matched word: whether it stands,
// and whether it stands only as a question so far.
func (d *detector) passes(h *hit, checks check) (ok, questioned bool) {
	if checks&checkNegation != 0 && d.negated(h) {
		return false, false
	}
	if checks&checkCondition != 0 && d.conditioned(h) {
		return false, false
	}
	if checks&checkQuestion == 0 || !d.questionForm(int(d.at[h.start])) {
		return true, false
	}
	c := d.at[h.start]
	if d.any(cRhetorical, func(g *hit) bool { return d.at[g.start] == c }) {
		return true, false // 怎么少了一件?
	}
	if d.any(cModal, func(g *hit) bool { return d.at[g.start] == c && g.start < h.start }) {
		return false, false // 会掉色吗: asks about the future
	}
	return true, true
}

// negated: a negation ends right before h, or only filler words stand
// between them, in the same clause (没有破损, 不会有破损, 别发错).
func (d *detector) negated(h *hit) bool {
	start := d.phraseStart(h)
	return d.any(cNegation, func(n *hit) bool {
		if n.start >= start || n.end >= h.end || d.at[n.start] != d.at[h.start] {
			return false
		}
		return n.end >= start || (start-n.end <= maxFillerGap && d.filled(n.end, start))
	})
}

// phraseStart is where the run of overlapping cue words that h ends starts:
// in 别压坏了 the negation before 压坏 also covers 坏了.
func (d *detector) phraseStart(h *hit) int {
	start := h.start
	for moved := true; moved; {
		moved = false
		for i := range d.hits {
			g := &d.hits[i]
			if !g.dead && g.class == cRule && g.start < start && start < g.end {
				start, moved = g.start, true
			}
		}
	}
	return start
}

// filled reports whether [from, to) is covered end to end by filler words.
func (d *detector) filled(from, to int) bool {
	reach := uint32(1) // bit i: from+i is reachable
	for p := from; p < to; p++ {
		if reach&(1<<(p-from)) == 0 {
			continue
		}
		for i := range d.hits {
			f := &d.hits[i]
			if !f.dead && f.class == cFiller && f.start == p && f.end <= to {
				reach |= 1 << (f.end - from)
			}
		}
	}
	return reach&(1<<(to-from)) != 0
}

// conditioned: a condition word earlier in h's sentence (如果…破了), a
// postposed one later in its clause (掉色的话), or a retraction anywhere in
// the turn (找到了, 是我自己的问题).
func (d *detector) conditioned(h *hit) bool {
	c := &d.clauses[d.at[h.start]]
	if d.any(cRetraction, func(g *hit) bool { return !d.negated(g) }) {
		return true
	}
	return d.any(cCondition, func(g *hit) bool {
		return g.start < h.start && d.clauses[d.at[g.start]].sentence == c.sentence
	}) || d.any(cConditionAfter, func(g *hit) bool {
		return g.start >= h.end && d.at[g.start] == d.at[h.start]
	})
}

// questionForm: the clause ends with ?, asks X不X (大不大), holds a question
// word (吗, 有没有, 是不是 …), or ends with a question particle (呢, 不 …),
// [trailing] words and symbols aside.
func (d *detector) questionForm(ci int) bool {
	if d.qform[ci] != 0 {
		return d.qform[ci] == 1
	}
	c := &d.clauses[ci]
	q := c.qmark || aNotA(d.text[c.start:c.end]) ||
		d.any(cQuestion, func(g *hit) bool { return int(d.at[g.start]) == ci })
	if !q {
		end := d.tail(c)
		q = d.any(cQuestionEnd, func(g *hit) bool { return g.end == end && g.start >= c.start })
	}
	d.qform[ci] = 2
	if q {
		d.qform[ci] = 1
	}
	return q
}

// aNotA reports the A-not-A question form: a character, 不 or 没, the same
// character again (味道大不大, 差不差). It is grammar, not vocabulary.
func aNotA(text []rune) bool {
	for i := 0; i+2 < len(text); i++ {
		if (text[i+1] == '不' || text[i+1] == '没') && text[i] == text[i+2] && unicode.Is(unicode.Han, text[i]) {
			return true
		}
	}
	return false
}

// tail is where a clause's words end, before [trailing] words (啊, 了吧)
// and symbols.
func (d *detector) tail(c *clause) int {
	end := c.end
	for end > c.start {
		r := d.text[end-1]
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			end--
			continue
		}
		moved := false
		for i := range d.hits {
			g := &d.hits[i]
			if !g.dead && g.class == cTrailing && g.end == end && g.start >= c.start {
				end, moved = g.start, true
				break
			}
		}
		if !moved {
			break
		}
	}
	return end
}
