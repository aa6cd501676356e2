package promise

// clause is the stretch of a sentence between commas: where a time and the
// verb it goes with are looked for together.
type clause struct {
	first, last int // token range
	question    bool
	hedges      []int // token indices of hedge words
	guarantees  []int // token indices of guarantee words
	times       []timeRef
	verbs       []verb
}

// timeRef is a time expression in a clause; cond marks "16点前付款", a time
// that says when the buyer pays rather than when the shop acts.
type timeRef struct {
	w      when
	cond   bool
	payTok int
	lapsed bool // "今天的发货时间已经过了": told as gone, not promised
}

// verb is a ship, deliver or pay word.
type verb struct {
	tok     int
	cat     cat
	anchor  bool // 付款后, 发出后: a starting point, not a promise
	negated bool
	pastAt  int // token of a past marker before the verb (已经), else -1
	paired  bool
}

// promising reports whether cl has a verb that can carry a promise.
func (cl *clause) promising() bool {
	for i := range cl.verbs {
		if cl.verbs[i].promising() {
			return true
		}
	}
	return false
}

// promising reports whether v can carry a promise.
func (v *verb) promising() bool { return (v.cat == cShip || v.cat == cDeliver) && !v.anchor }

// startsTime lists the tokens a time expression can start with.
func startsTime(c cat) bool {
	switch c {
	case cSoon, cDay, tMonthEnd, tNext, tThis, cWeek, tNum, tBan, cDaypart, tClock:
		return true
	}
	return false
}

// clause reads toks[a:b].
func (rd *reader) clause(a, b int) clause {
	cl := clause{first: a, last: b}
	toks := rd.toks
	var lapseBuf [4]int
	lapses := lapseBuf[:0] // words saying a time is over (已过)
	negate, pastAt := false, -1
	for k := a; k < b; {
		t := toks[k]
		if startsTime(t.cat) {
			if w, ok := parseWhen(toks, k, b); ok {
				cl.times = append(cl.times, timeRef{w: w, payTok: -1})
				k = w.last
				continue
			}
		}
		switch t.cat {
		case cQuestion:
			cl.question = true
		case cHedge:
			cl.hedges = append(cl.hedges, k)
		case cGuarantee:
			cl.guarantees = append(cl.guarantees, k)
		case cNegation:
			negate = true
		case cPast:
			pastAt = k
		case cLapsed:
			// 不会错过: a denied lapse says nothing is over, and the
			// negation was its own, not the next verb's.
			if negate && k > a && toks[k-1].cat == cNegation && toks[k-1].end == t.start {
				negate = false
				break
			}
			lapses = append(lapses, k)
		case cShip, cDeliver, cPay:
			v := verb{tok: k, cat: t.cat, negated: negate, pastAt: pastAt}
			negate, pastAt = false, -1
			v.anchor = k+1 < b && toks[k+1].cat == tAfter
			// 5点到6点, 周一到周五: 到 joins two times, nobody arrives.
			if t.cat == cDeliver && t.end-t.start == 1 && rd.folded[t.start] == '到' &&
				k+1 < b && startsTime(toks[k+1].cat) {
				break
			}
			cl.verbs = append(cl.verbs, v)
		}
		k++
	}
	// A time followed by a pay word is a condition: "16点前付款".
	for i := range cl.times {
		tr := &cl.times[i]
		for _, v := range cl.verbs {
			if v.tok < tr.w.last || v.cat != cPay || v.anchor {
				continue
			}
			if rd.gap(tr.w.last, v.tok) <= 2 {
				tr.cond, tr.payTok = true, v.tok
			}
			break
		}
	}
	rd.lapse(&cl, lapses)
	return cl
}

// lapse marks the times cl tells as already over; lapses are the tokens of
// its [lapsed] words. A lapse word speaks of
// the times before it in the clause ("今天的发货时间已经过了", "今天截单
// 已过"), unless a plain one leads into a time of its own ("过了5点…", where
// it names that time and says nothing of the earlier one). With nothing
// before it, a lapse word that carries the past ("已过", "已经过了") speaks of
// the time right after it ("已经过了今天的发货时间").
func (rd *reader) lapse(cl *clause, lapses []int) {
	from := cl.first
	for _, k := range lapses {
		t := rd.toks[k]
		strong := t.a == 1 || k > cl.first && rd.toks[k-1].cat == cPast && rd.toks[k-1].end == t.start
		next := -1
		for i := range cl.times {
			if f := cl.times[i].w.first; f > k {
				if rd.gap(k+1, f) <= 1 {
					next = i
				}
				break
			}
		}
		before := false
		if strong || next < 0 {
			for i := range cl.times {
				if tr := &cl.times[i]; tr.w.first >= from && tr.w.last <= k && !tr.cond {
					tr.lapsed, before = true, true
				}
			}
		}
		if !before && strong && next >= 0 && !cl.times[next].cond {
			cl.times[next].lapsed = true
		}
		from = k + 1
	}
}

// gap counts the runes of unknown text between tokens from and to, or a
// large number if anything else stands between them.
func (rd *reader) gap(from, to int) int {
	n := 0
	for k := from; k < to; k++ {
		t := rd.toks[k]
		if t.cat != cOther && t.cat != cIgnore {
			return 1 << 20
		}
		n += t.end - t.start
	}
	return n
}
