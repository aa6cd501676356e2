package law

import "strings"

// Chinese numerals as statutes write article numbers: 第一百零一条, 第二十条.
var digits = []rune("零一二三四五六七八九")

// MaxArticle bounds article numbers: no statute runs past a few hundred
// articles, so a larger number is a typo, not a citation.
const MaxArticle = 9999

// Numeral writes n (1..9999) the way statutes number articles: 十 for 10,
// 十一 for 11, 二十 for 20, 一百零一 for 101, 一百一十 for 110.
func Numeral(n int) string {
	if n <= 0 || n > MaxArticle {
		return ""
	}
	var b strings.Builder
	units := []struct {
		value int
		name  rune
	}{{1000, '千'}, {100, '百'}, {10, '十'}}
	zero := false // a skipped place owed before the next digit
	for _, u := range units {
		d := n / u.value
		n %= u.value
		switch {
		case d == 0:
			zero = b.Len() > 0
		default:
			if zero {
				b.WriteRune('零')
				zero = false
			}
			// 十一, not 一十一, when ten leads; 一百一十 keeps its 一.
			if !(u.value == 10 && d == 1 && b.Len() == 0) {
				b.WriteRune(digits[d])
			}
			b.WriteRune(u.name)
		}
	}
	if n > 0 {
		if zero {
			b.WriteRune('零')
		}
		b.WriteRune(digits[n])
	}
	return b.String()
}

// Label is how a statute heads article n: 第二十四条.
func Label(n int) string { return "第" + Numeral(n) + "条" }

// ParseNumber reads an article, paragraph or item number written in Chinese
// numerals (二十四, 一百零一, 两百, 〇) or Arabic digits (24). It reports false
// for anything else, for zero and for numbers past MaxArticle.
func ParseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, ok := parseArabic(s); ok {
		return n, n > 0 && n <= MaxArticle
	}
	total, digit := 0, -1
	for _, r := range s {
		if d := digitValue(r); d >= 0 {
			if digit >= 0 && digit != 0 {
				return 0, false // two digits in a row: 二四 is not a numeral
			}
			digit = d
			continue
		}
		unit := unitValue(r)
		if unit == 0 {
			return 0, false
		}
		switch {
		case digit < 0 && unit == 10:
			digit = 1 // 十二 is 12
		case digit <= 0:
			return 0, false
		}
		total += digit * unit
		digit = -1
	}
	if digit > 0 {
		total += digit
	}
	return total, total > 0 && total <= MaxArticle
}

func parseArabic(s string) (int, bool) {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
		if n > MaxArticle {
			return n, true // reported as out of range by the caller
		}
	}
	return n, true
}

func digitValue(r rune) int {
	switch r {
	case '零', '〇':
		return 0
	case '两':
		return 2
	}
	for i, d := range digits {
		if r == d {
			return i
		}
	}
	return -1
}

func unitValue(r rune) int {
	switch r {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return 0
}

// isNumeralRune reports whether r may be part of a number ParseNumber reads.
func isNumeralRune(r rune) bool {
	return (r >= '0' && r <= '9') || digitValue(r) >= 0 || unitValue(r) > 0
}
