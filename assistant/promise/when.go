package promise

import "time"

// exKind is how precise a time expression is; the same-day rule in check.go
// accepts days, parts of days and clock times but not spans or "right away".
type exKind uint8

const (
	exDay   exKind = iota + 1 // a whole day: 今天, 周五, 12号
	exPart                    // part of a day: 今天下午, 下班前
	exClock                   // a time of day: 5点前, 17:00
	exSpan                    // a span from now: 48小时内, 3天内, 2个工作日
	exSoon                    // right away: 马上
)

// dayKind is how an expression names its day.
type dayKind uint8

const (
	dNone     dayKind = iota // no day named: today, or tomorrow once the time has passed
	dOffset                  // 明天: days from the reference day
	dWeekday                 // 周五, 下周五, 这周末, 下周
	dDate                    // 12月3日, 3号
	dMonthEnd                // 月底
)

// week modes for dWeekday.
const (
	weekNextOccurrence = iota // 周五: today if it is Friday, else the coming one
	weekThis                  // 这周五: may already be past
	weekNext                  // 下周五
)

// when is one parsed time expression, not yet placed on the calendar.
type when struct {
	kind        exKind
	first, last int // token indices [first, last)

	day      dayKind
	off      int // dOffset
	weekday  int // dWeekday: 0 Monday … 6 Sunday
	weekMode int
	month    int // dDate: 0 when only the day of month is named
	mday     int

	hasPart  bool
	part     daypart
	hasClock bool
	h, m     int
	before   bool // 5点前, 下班前
	after    bool // 5点以后: any time later that day

	span     time.Duration // exSpan
	workdays int           // exSpan in working days
	months   int           // exSpan in months
}

// parseWhen reads a time expression starting at toks[i], stopping before
// end. It reports false when toks[i] does not start one.
func parseWhen(toks []token, i, end int) (when, bool) {
	w := when{first: i}
	at := func(j int) cat {
		if j < end {
			return toks[j].cat
		}
		return cOther
	}
	j := i
	switch at(j) {
	case cSoon:
		w.kind, w.span = exSoon, time.Duration(toks[j].a)*time.Minute
		w.last = j + 1
		return w, true
	case cDay:
		w.day, w.off = dOffset, toks[j].a
		if p := toks[j].b; p >= 0 {
			w.hasPart, w.part = true, daypart{from: p >> 8, to: p & 0xff}
		}
		j++
	case tMonthEnd:
		w.day = dMonthEnd
		j++
	case tNext, tThis, cWeek:
		mode := weekNextOccurrence
		if c := at(j); c != cWeek {
			mode = weekThis
			if c == tNext {
				mode = weekNext
			}
			j++
			if at(j) != cWeek {
				return w, false
			}
		}
		j++ // past 周
		w.day, w.weekMode = dWeekday, mode
		switch at(j) {
		case tNum:
			if n := toks[j].a; n >= 1 && n <= 6 && toks[j].end-toks[j].start == 1 {
				w.weekday = n - 1
				j++
			} else if mode == weekNextOccurrence {
				return w, false
			} else {
				w.weekday = 6 // 下周 alone: by the end of next week
			}
		case tRi, tDayUnit, tMo: // 周日, 礼拜天, 周末
			w.weekday = 6
			j++
		default:
			if mode == weekNextOccurrence {
				return w, false
			}
			w.weekday = 6
		}
	case tNum:
		if k, ok := parseDate(toks, j, end, &w); ok {
			j = k
		} else if k, ok := parseSpan(toks, j, end, &w); ok {
			return w, finish(toks, k, end, &w)
		}
	case tBan:
		if k, ok := parseSpan(toks, j, end, &w); ok {
			return w, finish(toks, k, end, &w)
		}
	}
	if at(j) == cDaypart {
		w.hasPart, w.part = true, daypart{from: toks[j].a, to: toks[j].b}
		j++
	}
	if k, ok := parseClock(toks, j, end, &w); ok {
		j = k
	}
	if w.day == dNone && !w.hasPart && !w.hasClock {
		return w, false
	}
	switch {
	case w.hasClock:
		w.kind = exClock
	case w.hasPart:
		w.kind = exPart
	default:
		w.kind = exDay
	}
	return w, finish(toks, j, end, &w)
}

// finish reads a trailing 前/内/后 and closes the expression.
func finish(toks []token, j, end int, w *when) bool {
	if j < end {
		switch toks[j].cat {
		case tBefore:
			w.before = true
			j++
		case tWithin:
			j++
		case tAfter:
			w.after = true
			j++
		}
	}
	w.last = j
	return true
}

// parseDate reads 12月3日, 12月3号, 3号 and 3日 (but not 3日内, a span).
func parseDate(toks []token, j, end int, w *when) (int, bool) {
	at := func(k int) cat {
		if k < end {
			return toks[k].cat
		}
		return cOther
	}
	month := 0
	if at(j+1) == tMonth && at(j+2) == tNum {
		month = toks[j].a
		j += 2
	}
	switch at(j + 1) {
	case tHao:
	case tRi:
		if at(j+2) == tWithin && month == 0 {
			return 0, false
		}
	default:
		return 0, false
	}
	d := toks[j].a
	if d < 1 || d > 31 || month > 12 {
		return 0, false
	}
	w.day, w.month, w.mday = dDate, month, d
	return j + 2, true
}

// parseSpan reads 48小时, 两个半小时, 半小时, 3天, 半天, 2个工作日, 一周,
// 一个月.
func parseSpan(toks []token, j, end int, w *when) (int, bool) {
	at := func(k int) cat {
		if k < end {
			return toks[k].cat
		}
		return cOther
	}
	n, half := 0, false
	if at(j) == tNum {
		n = toks[j].a
		j++
	}
	ge := at(j) == tGe
	if ge {
		j++
	}
	if at(j) == tBan {
		half = true
		j++
		if at(j) == tGe {
			j++
		}
	}
	unit := at(j)
	j++
	if !half && at(j) == tBan { // 两天半
		half = true
		j++
	}
	var step time.Duration
	switch unit {
	case tHour:
		step = time.Hour
	case tMinute:
		step = time.Minute
	case tDayUnit:
		step = 24 * time.Hour
	case tRi:
		if at(j) != tWithin {
			return 0, false
		}
		step = 24 * time.Hour
	case cWeek:
		step = 7 * 24 * time.Hour
	case tWorkday:
		if half || n < 1 || n > 60 {
			return 0, false
		}
		w.kind, w.workdays = exSpan, n
		return j, true
	case tMonth:
		if !ge && at(j) != tWithin || half || n < 1 || n > 12 {
			return 0, false
		}
		w.kind, w.months = exSpan, n
		return j, true
	default:
		return 0, false
	}
	span := time.Duration(n) * step
	if half {
		span += step / 2
	}
	if span <= 0 || span > 366*24*time.Hour {
		return 0, false
	}
	w.kind, w.span = exSpan, span
	return j, true
}

// parseClock reads 5点, 5点半, 8点30(分), 8点一刻, 17时, 17:00.
func parseClock(toks []token, j, end int, w *when) (int, bool) {
	at := func(k int) cat {
		if k < end {
			return toks[k].cat
		}
		return cOther
	}
	switch {
	case at(j) == tClock:
		w.hasClock, w.h, w.m = true, toks[j].a, toks[j].b
		return j + 1, true
	case at(j) == tNum && (at(j+1) == tDian || at(j+1) == tShi):
	default:
		return j, false
	}
	h := toks[j].a
	if h > 24 {
		return j, false
	}
	w.hasClock, w.h, w.m = true, h, 0
	j += 2
	switch {
	case at(j) == tBan:
		w.m = 30
		j++
	case at(j) == tNum && at(j+1) == tKe && toks[j].a <= 3:
		w.m = 15 * toks[j].a
		j += 2
	case at(j) == tNum && toks[j].a < 60:
		switch at(j + 1) {
		case tFen:
			w.m = toks[j].a
			j += 2
		case tHour, tMinute, tDayUnit, tRi, tHao, tMonth, tWorkday, tGe:
			// 5点3天…: the number belongs to what follows
		default:
			w.m = toks[j].a
			j++
		}
	}
	return j, true
}
