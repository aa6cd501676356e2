package promise

import (
	"slices"
	"strings"
)

// cat is what a token is: a lexicon category, a piece of the time grammar,
// a number or punctuation.
type cat uint8

const (
	cOther cat = iota
	// lexicon categories
	cShip
	cDeliver
	cPay
	cHedge
	cHedgeDeliver
	cGuarantee
	cNegation
	cQuestion
	cPast
	cLapsed
	cIgnore
	cDay
	cDaypart
	cSoon
	cWeek
	// the time grammar's own words
	tDian     // 点: 5点
	tShi      // 时: 17时
	tFen      // 分: 8点30分
	tBan      // 半: 5点半, 半小时
	tKe       // 刻: 8点一刻
	tHour     // 小时
	tMinute   // 分钟
	tDayUnit  // 天: 3天内, 礼拜天
	tRi       // 日: 3日, 周日
	tHao      // 号: 12号
	tMonth    // 月: 12月3日, 一个月内
	tWorkday  // 工作日
	tGe       // 个: 一个小时
	tNext     // 下: 下周五
	tThis     // 这, 本: 这周五
	tWithin   // 内: 48小时内
	tBefore   // 前: 5点前
	tAfter    // 后: 付款后
	tMo       // 末: 周末
	tMonthEnd // 月底
	tNum      // a number, value in a
	tClock    // 17:00, hour in a, minute in b
	// punctuation
	tWeak   // , 、 ~ : ends a clause
	tStrong // 。! ; newline ends a sentence
	tQMark  // ? ends a sentence that asks
)

// grammar is the time grammar's vocabulary; code, not data, because the
// parser in when.go is written against it.
var grammar = []struct {
	word string
	cat  cat
}{
	{"点", tDian}, {"点钟", tDian}, {"时", tShi}, {"分", tFen}, {"半", tBan}, {"刻", tKe},
	{"小时", tHour}, {"个小时", tHour}, {"钟头", tHour}, {"个钟头", tHour}, {"h", tHour},
	{"分钟", tMinute}, {"天", tDayUnit}, {"日", tRi}, {"号", tHao}, {"月", tMonth},
	{"工作日", tWorkday}, {"个工作日", tWorkday}, {"个", tGe},
	{"下", tNext}, {"下个", tNext}, {"这", tThis}, {"这个", tThis}, {"本", tThis},
	{"内", tWithin}, {"以内", tWithin}, {"之内", tWithin},
	{"前", tBefore}, {"之前", tBefore}, {"以前", tBefore},
	{"后", tAfter}, {"之后", tAfter}, {"以后", tAfter},
	{"末", tMo}, {"月底", tMonthEnd},
}

// token is one piece of folded text; start and end are rune offsets.
type token struct {
	cat        cat
	start, end int
	a, b       int
}

// match is a word the scanner looks for.
type match struct {
	word []rune
	cat  cat
	a, b int
	// yield has bit k set when a time word (下午, 晚上, 现在 …) may start at
	// word[k] and run past the word's end, and word[:k] is a word itself:
	// "拍下午" is 拍 + 下午, not 拍下 and a stray 午.
	yield uint32
}

// table finds the longest word starting at a rune: words are grouped by
// their first rune, longest first, lexicon words before grammar words of the
// same length.
type table map[rune][]match

func newTable(lex *Lexicon) table {
	t := table{}
	add := func(word string, c cat, a, b int) {
		r := []rune(word)
		t[r[0]] = append(t[r[0]], match{word: r, cat: c, a: a, b: b})
	}
	for _, e := range lex.entries {
		a, b := e.a, e.b
		if e.cat == cDay && b >= 0 { // the daypart's hours travel with the day word
			p := lex.entries[b]
			b = p.a<<8 | p.b
		}
		if e.cat == cLapsed && lex.startsWithPast(e.word) { // 已过: the past is in the word
			a = 1
		}
		add(e.word, e.cat, a, b)
	}
	for _, g := range grammar {
		add(g.word, g.cat, 0, 0)
	}
	for r, ms := range t {
		slices.SortStableFunc(ms, func(x, y match) int { return len(y.word) - len(x.word) })
		t[r] = ms
	}
	for _, ms := range t {
		for i := range ms {
			ms[i].yield = t.yieldMask(ms[i])
		}
	}
	return t
}

// startsWithPast reports whether word begins with a [past] word.
func (lex *Lexicon) startsWithPast(word string) bool {
	for _, e := range lex.entries {
		if e.cat == cPast && len(e.word) < len(word) && strings.HasPrefix(word, e.word) {
			return true
		}
	}
	return false
}

// yieldMask finds where a time word can overlap m's tail. Only the words
// that carry meaning but no time give way; a word the lexicon lists to
// swallow a look-alike (发现 is not 现在) keeps its letters.
func (t table) yieldMask(m match) uint32 {
	if !givesWay(m.cat) || len(m.word) > 32 {
		return 0
	}
	var mask uint32
	for k := 1; k < len(m.word); k++ {
		tail := m.word[k:]
		overlaps := false
		for _, o := range t[tail[0]] {
			if startsTime(o.cat) && len(o.word) > len(tail) && slices.Equal(o.word[:len(tail)], tail) {
				overlaps = true
				break
			}
		}
		if overlaps && t.prefixWord(m.word, k) >= 0 {
			mask |= 1 << k
		}
	}
	return mask
}

// givesWay reports whether a word of category c yields its tail to a time
// word that overlaps it.
func givesWay(c cat) bool {
	switch c {
	case cShip, cDeliver, cPay, cHedge, cHedgeDeliver, cGuarantee, cNegation, cQuestion, cPast, cLapsed:
		return true
	}
	return false
}

// prefixWord is the index in t[w[0]] of the word w[:k], else -1.
func (t table) prefixWord(w []rune, k int) int {
	for i, o := range t[w[0]] {
		if len(o.word) == k && slices.Equal(o.word, w[:k]) {
			return i
		}
	}
	return -1
}

// word returns the word at r[i:], shortened when a time word overlaps its
// tail (see match.yield), or nil.
func (t table) word(r []rune, i int) *match {
	m := t.longest(r, i)
	if m == nil || m.yield == 0 {
		return m
	}
	end := i + len(m.word)
	for k := 1; k < len(m.word); k++ {
		if m.yield&(1<<k) == 0 {
			continue
		}
		if o := t.longest(r, i+k); o != nil && startsTime(o.cat) && i+k+len(o.word) > end {
			return &t[r[i]][t.prefixWord(m.word, k)]
		}
	}
	return m
}

// longest returns the longest word at r[i:], or nil.
func (t table) longest(r []rune, i int) *match {
	ms := t[r[i]]
	for k := range ms {
		if w := ms[k].word; i+len(w) <= len(r) && slices.Equal(r[i:i+len(w)], w) {
			return &ms[k]
		}
	}
	return nil
}

// scan cuts folded text into tokens. Runs of unknown runes become one
// cOther token.
func scan(t table, r []rune, out []token) []token {
	for i := 0; i < len(r); {
		c := r[i]
		switch c {
		case ',', '、', '~', ':', '…', '—':
			out = append(out, token{cat: tWeak, start: i, end: i + 1})
			i++
			continue
		case '。', '.', '!', ';', '\n':
			out = append(out, token{cat: tStrong, start: i, end: i + 1})
			i++
			continue
		case '?':
			out = append(out, token{cat: tQMark, start: i, end: i + 1})
			i++
			continue
		}
		if m := t.word(r, i); m != nil {
			out = append(out, token{cat: m.cat, start: i, end: i + len(m.word), a: m.a, b: m.b})
			i += len(m.word)
			continue
		}
		if c >= '0' && c <= '9' {
			tk := digits(r, i)
			out = append(out, tk)
			i = tk.end
			continue
		}
		if _, ok := numeral(c); ok {
			tk := chineseNumber(r, i)
			out = append(out, tk)
			i = tk.end
			continue
		}
		if n := len(out); n > 0 && out[n-1].cat == cOther && out[n-1].end == i {
			out[n-1].end++
		} else {
			out = append(out, token{cat: cOther, start: i, end: i + 1})
		}
		i++
	}
	return out
}

// digits reads 48 or the clock 17:00.
func digits(r []rune, i int) token {
	start := i
	v := 0
	for ; i < len(r) && r[i] >= '0' && r[i] <= '9'; i++ {
		if v < 1e6 {
			v = v*10 + int(r[i]-'0')
		}
	}
	if i+2 < len(r) && r[i] == ':' && isDigit(r[i+1]) && isDigit(r[i+2]) && v <= 24 {
		m := int(r[i+1]-'0')*10 + int(r[i+2]-'0')
		if m < 60 {
			return token{cat: tClock, start: start, end: i + 3, a: v, b: m}
		}
	}
	return token{cat: tNum, start: start, end: i, a: v}
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// numeral is the value of one Chinese numeral character; 10 and 100 are
// multipliers.
func numeral(r rune) (int, bool) {
	switch r {
	case '零', '〇':
		return 0, true
	case '一':
		return 1, true
	case '二', '两':
		return 2, true
	case '三':
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	case '十':
		return 10, true
	case '百':
		return 100, true
	}
	return 0, false
}

// chineseNumber reads 十五, 二十四, 一百二十, and the ranges 一两, 两三
// (read as their upper end: "两三天内" allows three days).
func chineseNumber(r []rune, i int) token {
	start := i
	var buf [8]int
	ds := buf[:0]
	for ; i < len(r) && len(ds) < len(buf); i++ {
		d, ok := numeral(r[i])
		if !ok {
			break
		}
		ds = append(ds, d)
	}
	if len(ds) == 2 && ds[0] < 10 && ds[1] == ds[0]+1 {
		return token{cat: tNum, start: start, end: i, a: ds[1]}
	}
	total, cur := 0, 0
	for _, d := range ds {
		switch d {
		case 10, 100:
			if cur == 0 {
				cur = 1
			}
			total += cur * d
			cur = 0
		default:
			cur = cur*10 + d
		}
	}
	return token{cat: tNum, start: start, end: i, a: total + cur}
}
