package jsontext

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"assist/kb/memo"
)

// strings encoding/json writes in each of its ways.
var cases = []string{
	"", "plain", "亲,这款很受欢迎", "😀 emoji", `quote " and \ backslash`, "<b>&amp;</b>",
	"tab\tnew\nline\r", "\x00\x01\x1f", "\x7f del", "line\u2028sep\u2029para", "\u2027\u202a near the separators",
	"bad \xff utf-8", "cut \xe4\xb8", "\xe2\x80", "\xe2\x80\xa8", "ends \xe2", "surrogate \xed\xa0\x80",
}

func TestAppendStringIsEncodingJSONs(t *testing.T) {
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := AppendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("AppendString(%q) = %s, want x%s", s, got, want)
		}
		if got, quoted := NeedsEscape(s), string(want) != `"`+s+`"`; got != quoted {
			t.Errorf("NeedsEscape(%q) = %v, want %v", s, got, quoted)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "中", "文", "\"", "\\", "<", "&", "\n", "\x01", "\u2028", "\u2029", "\xe2", "\x80", "\xa8", "\xff", "é", "😀"}
	for range 20000 {
		var s string
		for range r.IntN(12) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestAppendFloatIsEncodingJSONs(t *testing.T) {
	fs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1.0 / 3, 99.9, 1e-6, 9.99e-7, 1e-7, 1.5e-9, 1e20, 1e21, 123456789e13,
		-1e-7, math.MaxFloat64, math.SmallestNonzeroFloat64, 2.5e-300, 12.345678901234567}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		fs = append(fs, math.Float64frombits(r.Uint64()))
	}
	for _, f := range fs {
		want, err := json.Marshal(f)
		if Finite(f) != (err == nil) {
			t.Fatalf("Finite(%v) = %v, encoding/json says %v", f, Finite(f), err)
		}
		if err != nil {
			continue
		}
		if got := AppendFloat([]byte("[1e"), f); string(got) != "[1e"+string(want) {
			t.Fatalf("AppendFloat(%v) = %s, want [1e%s", f, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range cases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
		if !utf8.ValidString(s) && !NeedsEscape(s) {
			t.Fatalf("NeedsEscape(%q) = false for invalid UTF-8", s)
		}
	})
}

// A string as it is, and one with escapes (a statute article's lines, from
// the memo after its first encoding):
//
//	go test ./kb/jsontext -run X -bench AppendString
func BenchmarkAppendString(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"plain", "亲,这款面霜适合干性和混合性肌肤,质地清爽不油腻,现在下单满199元包邮,还送同系列小样哦~"},
		{"escaped", "消费者退回的商品应当完好。\n商品能够保持原有品质、功能，商品本身、配件、商标标识齐全的，视为商品完好。\n消费者基于查验需要而打开商品包装，或者为确认商品的品质、功能而进行合理的调试不影响商品的完好。"},
	} {
		b.Run(c.name, func(b *testing.B) {
			buf := make([]byte, 0, 1024)
			b.SetBytes(int64(len(c.s)))
			for b.Loop() {
				buf = AppendString(buf[:0], c.s)
			}
		})
	}
}

func TestPlainString(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i    int
		want string
		next int
		ok   bool
	}{
		{`"茶铺",`, 0, "茶铺", 8, true},
		{`x:"ab"`, 2, "ab", 6, true},
		{`""`, 0, "", 2, true},
		{`"a\"b"`, 0, "", 0, false},   // an escape
		{"\"a\tb\"", 0, "", 0, false}, // a control character
		{`"open`, 0, "", 0, false},
		{`12`, 0, "", 0, false},
		{`"a"`, 3, "", 0, false},
	} {
		got, next, ok := PlainString([]byte(tc.in), tc.i)
		if string(got) != tc.want || next != tc.next || ok != tc.ok {
			t.Errorf("PlainString(%q, %d) = %q, %d, %v; want %q, %d, %v", tc.in, tc.i, got, next, ok, tc.want, tc.next, tc.ok)
		}
	}
}

// Strings that need an escape are encoded once and then read from a memo:
// the second and later encodings, and those after the memo has dropped its
// older half, are encoding/json's still.
func TestEscapedStringsFromTheMemo(t *testing.T) {
	defer func(m *memo.Map[[]byte]) { escapedStrings = m }(escapedStrings)
	escapedStrings = memo.New[[]byte](256)
	for round := range 3 {
		for i := range 40 {
			s := fmt.Sprintf("第%d条\n消费者退回的商品应当完好。<%d>", i%12, round)
			want, _ := json.Marshal(s)
			for range 2 {
				if got := AppendString([]byte("x"), s); string(got) != "x"+string(want) {
					t.Fatalf("AppendString(%q) = %s, want x%s", s, got, want)
				}
			}
		}
	}
	if keys, _ := escapedStrings.Len(); keys == 0 {
		t.Error("the memo kept nothing")
	}
	long := strings.Repeat("\n", 200)
	if got, want := AppendString(nil, long), []byte(`"`+strings.Repeat(`\n`, 200)+`"`); !bytes.Equal(got, want) {
		t.Fatalf("a string longer than the memo: %s", got)
	}
}
