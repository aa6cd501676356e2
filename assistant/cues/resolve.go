package cues

import (
	"slices"
	"sort"
)

// resolve decides which firings stand and groups them into cues.
func (d *detector) resolve(fs []firing) []Cue {
	if len(fs) == 0 {
		return nil
	}
	lex := d.lex
	// A question stands as a complaint once the turn reports a fact
	// (收到了, 洗了一次) or complains plainly elsewhere.
	fact := d.any(cFact, func(h *hit) bool { return !d.negated(h) && !d.conditioned(h) })
	asserted := map[Kind]bool{}
	for _, f := range fs {
		if !f.questioned {
			asserted[lex.cats[f.cat].Kind] = true
		}
	}
	keep := make([]bool, len(fs))
	for i, f := range fs {
		keep[i] = !f.questioned || fact || asserted[lex.cats[f.cat].Kind]
	}
	// A cue word inside a longer cue word of another category of the same
	// kind gives way to it: 坏了 inside 坏了用不了.
	for i, f := range fs {
		for j, g := range fs {
			if !keep[i] || !keep[j] || i == j || f.cat == g.cat || !f.word || !g.word ||
				lex.cats[f.cat].Kind != lex.cats[g.cat].Kind {
				continue
			}
			a, b := f.spans[0], g.spans[0]
			if b[0] <= a[0] && a[1] <= b[1] && b[1]-b[0] > a[1]-a[0] {
				keep[i] = false
			}
		}
	}
	// Blocking counts a kind even when only asked about: a turn that asks
	// about returns is no moment to sell.
	present := map[Kind]bool{}
	for _, f := range fs {
		present[lex.cats[f.cat].Kind] = true
	}
	type group struct {
		cat   int
		spans [][2]int
	}
	var groups []*group
	byCat := map[int]*group{}
	for i, f := range fs {
		if !keep[i] || blocked(lex.cats[f.cat].block, present) {
			continue
		}
		g := byCat[f.cat]
		if g == nil {
			g = &group{cat: f.cat}
			byCat[f.cat] = g
			groups = append(groups, g)
		}
		g.spans = append(g.spans, f.spans...)
	}
	for _, g := range groups {
		for i := range g.spans {
			g.spans[i] = d.widen(g.spans[i], g.cat)
		}
		g.spans = merge(g.spans)
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].spans[0][0] < groups[j].spans[0][0] })
	out := make([]Cue, len(groups))
	for i, g := range groups {
		c := lex.cats[g.cat]
		out[i] = Cue{Kind: c.Kind, Category: c.Name}
		for _, s := range g.spans {
			w := string(d.orig[s[0]:s[1]])
			if !slices.Contains(out[i].Words, w) {
				out[i].Words = append(out[i].Words, w)
			}
		}
	}
	return out
}

// widen stretches a span over the category's cue words that overlap it, so
// the panel shows 给我退款 rather than the 给我退 the rule needed.
func (d *detector) widen(s [2]int, cat int) [2]int {
	for moved := true; moved; {
		moved = false
		for i := range d.hits {
			h := &d.hits[i]
			if h.dead || h.class != cRule || d.lex.rules[d.lex.elems[h.elem].rule].cat != cat {
				continue
			}
			if h.start < s[1] && s[0] < h.end && (h.start < s[0] || h.end > s[1]) {
				s = [2]int{min(s[0], h.start), max(s[1], h.end)}
				moved = true
			}
		}
	}
	return s
}

// merge sorts spans and joins those that overlap, so 能便宜 and 便宜点 show
// as 能便宜点.
func merge(spans [][2]int) [][2]int {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s[0] < last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

func blocked(by []Kind, present map[Kind]bool) bool {
	for _, k := range by {
		if present[k] {
			return true
		}
	}
	return false
}
