package promise

import (
	"fmt"
	"time"
)

// Check finds the promises in text and judges each against t: one verdict
// per promise, none when the text promises nothing. now is the turn's time.
func (c *Checker) Check(text string, now time.Time, t Terms) []Verdict {
	loc := t.Location
	if loc == nil {
		loc = now.Location()
	}
	fs := c.find(text, now, loc)
	if len(fs) == 0 {
		return nil
	}
	now = now.In(loc)
	out := make([]Verdict, len(fs))
	for i := range fs {
		out[i] = judge(&fs[i], now, t)
	}
	return out
}

// judge applies the shop's rules to one promise, in the order an agent
// would want them explained.
func judge(f *found, now time.Time, t Terms) Verdict {
	v := Verdict{Promise: f.Promise}
	words := "“" + f.Words + "”"
	window := windowText(t.ShipWithinHours)

	if f.Kind == Deliver {
		if f.Hedged && !f.Guaranteed {
			v.OK = true
			v.Reason = "到货时间说的是预计（“" + f.hedgeWord + "”），没有打包票，可以"
			return v
		}
		v.Reason = "到货时间由快递决定，店铺保证不了，" + words + "不能承诺"
		return v
	}
	if f.Hedged && !f.Guaranteed {
		v.OK = true
		v.Reason = "用了“" + f.hedgeWord + "”，是预计不是保证，可以"
		return v
	}
	// A promise no stronger than the window is the shop's own.
	if !f.Deadline.Before(now.Add(time.Duration(t.ShipWithinHours) * time.Hour)) {
		v.OK = true
		v.Reason = "这款付款后" + window + "内发货，" + words + "在发货时效内"
		return v
	}
	switch {
	case t.PreSale:
		v.Reason = "这款是预售，付款后" + window + "内发货，" + words + "做不到"
		return v
	case t.MadeToOrder:
		v.Reason = "这款要定制/修改，付款后" + window + "内发货，" + words + "做不到"
		return v
	}
	if ok, reason := sameDay(f, now, t, words); ok || reason != "" {
		v.OK, v.Reason = ok, reason
		return v
	}
	v.Reason = "这款付款后" + window + "内发货，承诺" + words + "超出了发货时效"
	return v
}

// sameDay applies the cutoff rule: a product that ships within 24 hours
// ships the same day when paid before the cutoff. It answers ("", false)
// when the promise is not a same-day one, so the window rule speaks.
func sameDay(f *found, now time.Time, t Terms, words string) (bool, string) {
	if t.Cutoff == nil || t.ShipWithinHours > 24 {
		return false, ""
	}
	switch f.when.kind {
	case exDay, exPart, exClock:
	default: // 马上, 半小时内: faster than the same-day promise
		return false, ""
	}
	day := f.condDay
	cut := time.Date(day.Year(), day.Month(), day.Day(), t.Cutoff.Hour, t.Cutoff.Minute, 0, 0, day.Location())
	if f.Deadline.After(day.AddDate(0, 0, 1)) {
		return false, "" // not that day: the window rule decides
	}
	if f.Deadline.Before(cut) {
		return false, "" // 今天上午发出: earlier than the shop ships same-day orders
	}
	cutText := t.Cutoff.String()
	if f.hasCond && !f.condNow {
		switch {
		case f.condBefore && f.ConditionBy.After(cut):
			return false, "截单时间是" + cutText + "，“" + f.Condition + "”晚于截单，当天发不出，" + words + "做不到"
		case !f.condBefore && !f.ConditionBy.Before(cut):
			return false, "截单时间是" + cutText + "，截单后付款的订单当天发不出，“" + f.Condition + "”" + words + "做不到"
		}
		return true, "截单（" + cutText + "）前付款当天发，是店铺自己的承诺"
	}
	if !now.Before(cut) {
		return false, "已过" + cutText + "截单时间，现在付款要次日发，" + words + "做不到"
	}
	return true, "现在还没到" + cutText + "截单，付款后当天发，是店铺自己的承诺"
}

// windowText says a window the way a shop does: 24小时, 72小时, 15天.
func windowText(h int) string {
	if h > 72 && h%24 == 0 {
		return fmt.Sprintf("%d天", h/24)
	}
	return fmt.Sprintf("%d小时", h)
}
