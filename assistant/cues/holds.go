package cues

// Holds reports whether pieces of a turn that another reader (the
// statistical classifier) took for a cue of kind/category stand once this
// lexicon's checks have had their say: the negation, condition and question
// checks of that category, with a question standing only when the turn
// reports a fact or asks rhetorically, as for the lexicon's own cue words.
// The pieces that stand must carry at least half the weight of all the
// pieces given: 没有破损 does not stand on its 损 alone. A category the
// lexicon does not know never holds.
func (l *Lexicon) Holds(role, text string, kind Kind, category string, pieces []Piece) bool {
	ci, ok := l.byName[kind][category]
	if !ok || l.cats[ci].role != role || len(pieces) == 0 {
		return false
	}
	d := l.scan(role, text)
	defer d.release()
	d.shadow()
	checks := l.cats[ci].checks
	fact := d.any(cFact, func(h *hit) bool { return !d.negated(h) && !d.conditioned(h) })
	var total, standing float64
	for _, p := range pieces {
		if p.Start < 0 || p.End > len(d.text) || p.Start >= p.End || p.Weight <= 0 {
			continue
		}
		total += p.Weight
		h := hit{elem: -1, class: cRule, start: p.Start, end: p.End}
		if ok, questioned := d.passes(&h, checks); ok && (!questioned || fact) {
			standing += p.Weight
		}
	}
	return total > 0 && standing*2 >= total
}

// Piece is a stretch of a turn (runes) and how much it weighed for a cue.
type Piece struct {
	Start, End int
	Weight     float64
}
