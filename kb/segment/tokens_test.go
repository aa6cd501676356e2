package segment

import (
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Token
	}{
		// 给 is a function word (stopwords.txt): dropped, yet it keeps
		// its position so a phrase query does not join its neighbours.
		{"domain word kept whole", "给差评", []Token{
			{"差评", 3, 9, 2},
		}},
		{"sub-word shares its word's position", "保质期多久", []Token{
			{"保质期", 0, 9, 1}, {"保质", 0, 6, 1}, {"多久", 9, 15, 2},
		}},
		{"ascii words and spaces", "iPhone 充电器", []Token{
			{"iphone", 0, 6, 1}, {"充电器", 7, 16, 2}, {"电器", 10, 16, 2},
		}},
		{"offsets refer to the folded text", "ＡＢＣ包郵嗎", []Token{
			{"abc", 0, 3, 1}, {"包邮", 3, 9, 2},
		}},
		// The full-width comma folds to a one-byte ','.
		{"punctuation is not a position", "亲，少发了一件！", []Token{
			{"亲", 0, 3, 1}, {"少发", 4, 10, 2}, {"一件", 13, 19, 4},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Tokens(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q)\n got %v\nwant %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestTraditionalAndSimplifiedCutAlike(t *testing.T) {
	tests := []struct {
		name        string
		traditional string
		simplified  string
	}{
		{"bad review", "給差評", "给差评"},
		{"who pays return shipping", "退貨運費誰出", "退货运费谁出"},
		{"tea question", "這款烏龍茶是今年的新茶嗎", "这款乌龙茶是今年的新茶吗"},
		{"wrong item sent", "發錯顏色了，要退貨", "发错颜色了，要退货"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tw, sw := Words(tt.traditional), Words(tt.simplified)
			if !slices.Equal(tw, sw) {
				t.Errorf("Words(%q) = %v, Words(%q) = %v", tt.traditional, tw, tt.simplified, sw)
			}
			if len(sw) == 0 {
				t.Errorf("Words(%q) is empty", tt.simplified)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"full-width letters and digits", "ＰＤ２０Ｗ快充", []string{"pd20w", "快充"}},
		{"chinese and western punctuation dropped", "在吗？包邮吗！“正品”（专柜）【现货】、价保：满减；好的~ok.",
			[]string{"在吗", "包邮", "正品", "专柜", "现货", "价保", "满减", "好", "ok"}},
		{"emoji dropped", "好评😀👍返现", []string{"好评", "返现"}},
		{"shoe size question", "这双鞋子偏小一码吗", []string{"这双", "鞋子", "偏小", "一码"}},
		{"long dictionary word with its parts", "七天无理由退换吗", []string{"七天无理由", "七天", "理由", "退换"}},
		{"function words dropped, sub-words too", "这个是什么时候发货", []string{"时候", "发货"}},
		{"only function words", "这个是什么呢", nil},
		{"empty", "", nil},
		{"only spaces and punctuation", " 　，。！？ ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Words(tt.in)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Words(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestEmptyInputGivesNoTokens(t *testing.T) {
	for _, in := range []string{"", "   ", "\n\t", "。。。", "😀"} {
		if got := Tokens(in); len(got) != 0 {
			t.Errorf("Tokens(%q) = %v, want none", in, got)
		}
	}
}

// TestEmbeddedWordsCutWhole pins words.txt: every word in it comes out as
// one term when it stands alone.
func TestEmbeddedWordsCutWhole(t *testing.T) {
	words, err := parseWords(embeddedWords, "words.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(words) < 50 {
		t.Fatalf("words.txt has %d words", len(words))
	}
	for _, w := range words {
		toks := Tokens(w.text)
		if len(toks) == 0 || toks[0].Term != w.text {
			t.Errorf("%q is cut as %v", w.text, Words(w.text))
		}
	}
}

func TestLoadCost(t *testing.T) {
	d := LoadTime()
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	n := Segmenter().Dict.NumTokens()
	t.Logf("dictionary: %d words, loaded in %v, heap after load %d MiB", n, d.Round(1e6), m.HeapAlloc>>20)
	if n < minDictTokens {
		t.Errorf("dictionary has %d words", n)
	}
}

// chatLine is a typical buyer message of about 25 characters.
const chatLine = "亲，这款充电器支持快充吗？今天下单什么时候发货，包邮吗"

func BenchmarkTokens(b *testing.B) {
	Segmenter()
	b.ReportAllocs()
	for b.Loop() {
		Tokens(chatLine)
	}
}

func BenchmarkTokensTraditional(b *testing.B) {
	Segmenter()
	line := "親，這款充電器支援快充嗎？今天下單什麼時候發貨，包郵嗎"
	b.ReportAllocs()
	for b.Loop() {
		Tokens(line)
	}
}

func TestChatLineLength(t *testing.T) {
	if n := len([]rune(chatLine)); n < 20 || n > 30 {
		t.Errorf("chatLine has %d runes, want a 20-30 char message", n)
	}
	if w := Words(chatLine); !slices.Contains(w, "快充") || !slices.Contains(w, "包邮") || strings.Contains(strings.Join(w, ""), "，") {
		t.Errorf("Words(chatLine) = %v", w)
	}
}
