package promise

import "time"

// place puts an expression on the calendar. ref is midnight of the day the
// sentence is about (today, or the day a condition names). It reports false
// when the expression names no real day (2月30日).
func (w *when) place(now, ref time.Time) (time.Time, bool) {
	loc := ref.Location()
	switch w.kind {
	case exSoon:
		return now.Add(w.span), true
	case exSpan:
		switch {
		case w.workdays > 0:
			d := ref
			for n := 0; n < w.workdays; {
				d = d.AddDate(0, 0, 1)
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					n++
				}
			}
			return d.AddDate(0, 0, 1), true
		case w.months > 0:
			return now.AddDate(0, w.months, 0), true
		}
		return now.Add(w.span), true
	}
	y, mo, d := ref.Date()
	switch w.day {
	case dOffset:
		d += w.off
	case dWeekday:
		today := (int(ref.Weekday()) + 6) % 7 // Monday 0
		switch w.weekMode {
		case weekNextOccurrence:
			d += (w.weekday - today + 7) % 7
		case weekThis:
			d += w.weekday - today
		case weekNext:
			d += 7 - today + w.weekday
		}
	case dDate:
		if w.month == 0 {
			if w.mday < d {
				mo++
			}
		} else {
			cand := time.Date(y, time.Month(w.month), w.mday, 0, 0, 0, 0, loc)
			if cand.Before(ref.AddDate(0, 0, -31)) { // long past: next year's
				y++
			}
			mo = time.Month(w.month)
		}
		if w.mday > daysIn(y, mo, loc) {
			return time.Time{}, false
		}
		d = w.mday
	case dMonthEnd:
		d = daysIn(y, mo, loc)
	}
	day := time.Date(y, mo, d, 0, 0, 0, 0, loc)
	t := w.within(now, day)
	if w.day == dNone && t.Before(now) { // 下午发 said in the evening: tomorrow afternoon
		t = w.within(now, day.AddDate(0, 0, 1))
	}
	return t, true
}

// within is the latest moment the expression allows on day.
func (w *when) within(now, day time.Time) time.Time {
	endOfDay := day.AddDate(0, 0, 1)
	switch {
	case w.after:
		return endOfDay
	case w.hasClock:
		h := w.hour(now, day)
		return time.Date(day.Year(), day.Month(), day.Day(), h, w.m, 0, 0, day.Location())
	case w.hasPart && w.before:
		return time.Date(day.Year(), day.Month(), day.Day(), w.part.from, 0, 0, 0, day.Location())
	case w.hasPart:
		return time.Date(day.Year(), day.Month(), day.Day(), w.part.to, 0, 0, 0, day.Location())
	}
	return endOfDay
}

// hour reads a spoken hour as a 24-hour one: 下午5点 is 17, 晚上12点 is 24,
// and a bare 5点 is 17 because nobody ships at five in the morning. A bare
// 8 to 11 is the morning one unless the morning one has passed today.
func (w *when) hour(now, day time.Time) int {
	h := w.h
	if h == 0 {
		return 24
	}
	if w.hasPart {
		if w.part.from >= 12 && h < 12 && h+12 <= w.part.to+3 {
			return h + 12
		}
		if w.part.from >= 18 && h == 12 {
			return 24
		}
		return h
	}
	switch {
	case h >= 12:
		return h
	case h <= 6:
		return h + 12
	}
	morning := time.Date(day.Year(), day.Month(), day.Day(), h, w.m, 0, 0, day.Location())
	if w.day == dNone && morning.Before(now) {
		return h + 12
	}
	return h
}

func daysIn(y int, m time.Month, loc *time.Location) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, loc).Day()
}
