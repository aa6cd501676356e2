package fold

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unsafe"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"bad review", "給差評", "给差评"},
		{"return shipping fee", "退貨運費", "退货运费"},
		{"dispatch", "發貨", "发货"},
		{"full-width letters and digits", "ＡＢＣ１２３", "abc123"},
		{"full-width punctuation and ideographic space", "包郵嗎？\u3000好的！", "包邮吗? 好的!"},
		{"mixed ascii and traditional", "iPhone 充電器 20W 幾天到貨", "iphone 充电器 20w 几天到货"},
		{"tea order", "這款烏龍茶買兩盒送禮盒嗎", "这款乌龙茶买两盒送礼盒吗"},
		{"already simplified", "这双鞋子尺码偏大吗", "这双鞋子尺码偏大吗"},
		{"chars that are simplified in some words fold too", "在裡面的乾貨", "在里面的干货"},
		{"empty", "", ""},
		{"emoji kept", "好評👍", "好评👍"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStringFoldedDoesNotAllocate(t *testing.T) {
	for _, s := range []string{"给差评,包邮吗", "shoes size 42", "面霜保质期多久"} {
		allocs := testing.AllocsPerRun(100, func() {
			if String(s) != s {
				t.Fatalf("String(%q) changed already folded text", s)
			}
		})
		if allocs != 0 {
			t.Errorf("String(%q) allocated %.0f times, want 0", s, allocs)
		}
	}
}

func TestTable(t *testing.T) {
	if n := len(simplified); n < 2000 {
		t.Fatalf("table has %d entries, want thousands", n)
	}
	for from, to := range simplified {
		p := struct{ from, to rune }{from, to}
		if p.from == p.to {
			t.Errorf("%U maps to itself", p.from)
		}
		// Folding twice must give what folding once gives, or an index
		// built from folded text would miss a query folded again.
		if once := Rune(p.from); Rune(once) != once {
			t.Errorf("%c→%c→%c: not idempotent", p.from, once, Rune(once))
		}
	}
}

func TestCaseless(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if caseless(r) && (unicode.ToLower(r) != r || unicode.IsUpper(r)) {
			t.Fatalf("%U is cased but caseless says it is not", r)
		}
	}
}

func TestRuneNotInTable(t *testing.T) {
	for _, r := range []rune{'a', '的', '后', 0x3400, 0x10FFFF, '😀'} {
		if got := Rune(r); got != r {
			t.Errorf("Rune(%c) = %c, want unchanged", r, got)
		}
	}
}

// TestIdeographSetIsTheTable pins the bitmap Rune reads first: it marks
// exactly the ideographs of its range that the table maps.
func TestIdeographSetIsTheTable(t *testing.T) {
	for r := rune(firstIdeograph); r <= lastIdeograph; r++ {
		if _, mapped := simplified[r]; traditional.has(r) != mapped {
			t.Fatalf("%U (%c): bitmap says %v, table %v", r, r, traditional.has(r), mapped)
		}
	}
}

// sentence is a 40-char traditional customer-service line.
const sentence = "您好，這款充電器支援快充嗎？如果收到貨有問題可以退換嗎？運費誰出呢？請儘快回覆"

// simplifiedSentence is sentence in simplified characters, as most lines
// come: every rune is checked and none changes.
const simplifiedSentence = "您好，这款充电器支持快充吗？如果收到货有问题可以退换吗？运费谁出呢？请尽快回复"

func BenchmarkString(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		String(sentence)
	}
}

func BenchmarkStringSimplified(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		String(simplifiedSentence)
	}
}

// BenchmarkLookup compares the table lookup strategies on the runes of a
// traditional sentence; fold.go uses the faster one.
func BenchmarkLookup(b *testing.B) {
	type pair struct{ from, to rune }
	sorted := make([]pair, 0, len(simplified))
	for from, to := range simplified {
		sorted = append(sorted, pair{from, to})
	}
	slices.SortFunc(sorted, func(a, b pair) int { return int(a.from - b.from) })
	search := func(r rune) (rune, bool) {
		lo, hi := 0, len(sorted)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if sorted[m].from < r {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(sorted) && sorted[lo].from == r {
			return sorted[lo].to, true
		}
		return r, false
	}
	runes := []rune(sentence)
	b.Run("binary-search", func(b *testing.B) {
		for b.Loop() {
			for _, r := range runes {
				search(r)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			for _, r := range runes {
				_, _ = simplified[r]
			}
		}
	})
}

// Lower is strings.ToLower, rune by rune over all of Unicode, over invalid
// UTF-8, and over strings that mix the runes it passes with those it
// leaves to strings.ToLower.
func TestLowerIsStringsToLower(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		s := "中" + string(r) + "a"
		if got, want := Lower(s), strings.ToLower(s); got != want {
			t.Fatalf("Lower(%q) = %q, want %q", s, got, want)
		}
	}
	for _, s := range []string{"", "abc", "ABC", "中文", "保温杯XL", "\xff", "中\xe4\xb8", "\xe4\xb8\xadx", "ΣΑΣ", "ǅ", "İstanbul", "\u2160"} {
		if got, want := Lower(s), strings.ToLower(s); got != want {
			t.Errorf("Lower(%q) = %q, want %q", s, got, want)
		}
	}
	if s := "亲,这款保温杯500ml"; unsafe.StringData(Lower(s)) != unsafe.StringData(s) {
		t.Error("Lower copied a string that has no capital")
	}
}

func FuzzLower(f *testing.F) {
	for _, s := range []string{"abc", "中文ABC", "\xff", "ΣΑΣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Lower(s), strings.ToLower(s); got != want {
			t.Fatalf("Lower(%q) = %q, want %q", s, got, want)
		}
	})
}

// go test ./kb/fold -run X -bench Lower
func BenchmarkLower(b *testing.B) {
	words := []string{"保温杯", "能", "便宜", "一点", "吗", "500ml", "包邮", "不锈钢"}
	for _, f := range []struct {
		name  string
		lower func(string) string
	}{{"strings.ToLower", strings.ToLower}, {"Lower", Lower}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				for _, w := range words {
					if f.lower(w) != w {
						b.Fatal(w)
					}
				}
			}
		})
	}
}
