package promise

import "time"

// condition is a payment-time condition found in a sentence.
type condition struct {
	tok    int // where it starts
	words  string
	by     time.Time
	day    time.Time // midnight of the day a promise made under it is about
	before bool
	now    bool // 现在下单: paying at the time of the turn
}

// sentence finds the promises in toks[s:e]; qmark says it ended with "?".
func (rd *reader) sentence(s, e int, qmark bool, out []found) []found {
	if s >= e {
		return out
	}
	var cls []clause
	a := s
	for i := s; i <= e; i++ {
		if i == e || rd.toks[i].cat == tWeak {
			if a < i {
				cls = append(cls, rd.clause(a, i))
			}
			a = i + 1
		}
	}
	if len(cls) == 0 {
		return out
	}
	if qmark {
		cls[len(cls)-1].question = true
	}
	conds := rd.conditions(cls)

	// Lead-ins: a clause with no ship or deliver verb ("一般情况下,",
	// "预计明天上午,") lends its hedge or guarantee to what follows.
	leadHedge, leadGuarantee := -1, -1
	var pending *timeRef
	for ci := range cls {
		cl := &cls[ci]
		if !cl.promising() {
			if len(cl.hedges) > 0 && leadHedge < 0 {
				leadHedge = cl.hedges[0]
			}
			if len(cl.guarantees) > 0 && leadGuarantee < 0 {
				leadGuarantee = cl.guarantees[0]
			}
		}
		pairs := rd.pair(cl, &pending)
		prevEnd := cl.first
		for pi, p := range pairs {
			end := p.last
			if pi == len(pairs)-1 {
				end = cl.last
			}
			f, ok := rd.promise(cl, p, conds)
			if ok {
				f.hedgeWord = rd.word(firstIn(cl.hedges, prevEnd, end, leadHedge))
				if f.Kind == Deliver && f.hedgeWord == "" {
					f.hedgeWord = rd.word(rd.deliverHedge)
				}
				f.Hedged = f.hedgeWord != ""
				f.Guaranteed = firstIn(cl.guarantees, prevEnd, end, leadGuarantee) >= 0
				out = append(out, f)
			}
			prevEnd = p.last
		}
	}
	return out
}

// firstIn is the first index in ks within [from, to), else fallback.
func firstIn(ks []int, from, to, fallback int) int {
	for _, k := range ks {
		if k >= from && k < to {
			return k
		}
	}
	return fallback
}

// word is the original text of token k ("" for -1).
func (rd *reader) word(k int) string {
	if k < 0 {
		return ""
	}
	t := rd.toks[k]
	return string(rd.orig[t.start:t.end])
}

// pairing is a time and the verb it goes with.
type pairing struct {
	t     *timeRef
	v     *verb
	first int // token range of the words
	last  int
}

// pair matches each promise time in cl with its verb: the first one after
// it ("明天发出"), else one before it ("发货时间是明天"). A time in a clause
// with no verb waits for the next clause ("明天上午,给您发出").
func (rd *reader) pair(cl *clause, pending **timeRef) []pairing {
	var out []pairing
	var ts []*timeRef
	for i := range cl.times {
		if !cl.times[i].cond {
			ts = append(ts, &cl.times[i])
		}
	}
	hasVerb := cl.promising()
	if len(ts) == 0 {
		if *pending == nil {
			return nil
		}
		for i := range cl.verbs {
			if v := &cl.verbs[i]; v.promising() {
				v.paired = true
				out = append(out, rd.span(*pending, v))
				*pending = nil
				break
			}
		}
		return out
	}
	*pending = nil
	for ti, t := range ts {
		limit := cl.last
		if ti+1 < len(ts) {
			limit = ts[ti+1].w.first
		}
		var v *verb
		for i := range cl.verbs {
			c := &cl.verbs[i]
			if c.promising() && !c.paired && c.tok >= t.w.last && c.tok < limit {
				v = c
				break
			}
		}
		if v == nil {
			floor := cl.first
			if ti > 0 {
				floor = ts[ti-1].w.last
			}
			for i := len(cl.verbs) - 1; i >= 0; i-- {
				c := &cl.verbs[i]
				if c.promising() && !c.paired && c.tok < t.w.first && c.tok >= floor {
					v = c
					break
				}
			}
		}
		if v == nil {
			if !hasVerb {
				*pending = t
			}
			continue
		}
		v.paired = true
		out = append(out, rd.span(t, v))
	}
	return out
}

// span is the pairing's words: from the time (or verb) to the verb (or
// time), taking in a hedge, guarantee or 付款后 right before them.
func (rd *reader) span(t *timeRef, v *verb) pairing {
	first, last := t.w.first, v.tok
	if v.tok < first {
		first, last = v.tok, t.w.last-1
	}
	toks := rd.toks
	// Punctuation stops the walk, so it never leaves the time's clause.
	for first > 0 && toks[first-1].end == toks[first].start {
		switch c := toks[first-1].cat; {
		case c == cHedge || c == cGuarantee:
			first--
			continue
		case c == tAfter && first >= 2 && isVerb(toks[first-2].cat) &&
			toks[first-2].end == toks[first-1].start: // 付款后, 发货后
			first -= 2
			continue
		}
		break
	}
	return pairing{t: t, v: v, first: first, last: last + 1}
}

func isVerb(c cat) bool { return c == cPay || c == cShip || c == cDeliver }

// conditions lists a sentence's payment-time conditions.
func (rd *reader) conditions(cls []clause) []condition {
	var out []condition
	for ci := range cls {
		for _, tr := range cls[ci].times {
			if !tr.cond {
				continue
			}
			c := condition{tok: tr.w.first, before: tr.w.before}
			c.words = string(rd.orig[rd.toks[tr.w.first].start:rd.toks[tr.payTok].end])
			switch tr.w.kind {
			case exSoon: // 现在拍: paying now
				c.by, c.day, c.now = rd.now, rd.today, true
			default:
				w := tr.w
				w.after = false // "16点后付款" names 16:00
				by, ok := w.place(rd.now, rd.today)
				if !ok {
					continue
				}
				c.by = by
				c.day = midnight(by)
				if c.day.Equal(by) && tr.w.kind != exSpan { // end of day: 今天付款
					c.day = c.day.AddDate(0, 0, -1)
				}
			}
			out = append(out, c)
		}
	}
	return out
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// promise places one pairing on the calendar. It reports false when the
// words ask, deny or tell of the past (or of a time already over) rather
// than promise.
func (rd *reader) promise(cl *clause, p pairing, conds []condition) (found, bool) {
	if cl.question || p.v.negated || p.t.lapsed {
		return found{}, false
	}
	// 已经 tells of the past, unless a time comes between it and the verb:
	// "已经加急了，明天发出" is still a promise.
	if p.v.pastAt >= 0 && !(p.t.w.first > p.v.pastAt && p.t.w.last <= p.v.tok) {
		return found{}, false
	}
	var f found
	f.when = p.t.w
	f.condDay = rd.today
	// The condition nearest before the promise, else the first after it.
	var cond *condition
	for i := range conds {
		if conds[i].tok < p.first || cond == nil {
			cond = &conds[i]
		}
	}
	if cond != nil {
		f.hasCond, f.condBefore, f.condNow, f.condDay = true, cond.before, cond.now, cond.day
		f.Condition, f.ConditionBy = cond.words, cond.by
	}
	deadline, ok := p.t.w.place(rd.now, f.condDay)
	if !ok || deadline.Before(midnight(rd.now)) { // 昨天发出: told, not promised
		return found{}, false
	}
	if deadline.Before(rd.now) {
		// "今天下午就给您发出" said in the evening, with no past marker, is a
		// promise that can no longer be kept: it is due now.
		deadline = rd.now
	}
	f.Deadline = deadline
	f.Kind = Ship
	if p.v.cat == cDeliver {
		f.Kind = Deliver
	}
	f.Words = string(rd.orig[rd.toks[p.first].start:rd.toks[p.last-1].end])
	return f, true
}
