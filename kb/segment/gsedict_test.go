package segment

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-ego/gse"

	"assist/kb/fold"
)

// The fast first load (gse's text read directly, a shop's words taken in
// before the one weighing) cuts exactly as gse's own LoadDictEmbed followed
// by AddWords did: same dictionary size, same words for every line.
func TestFastLoadCutsAsGse(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the dictionary twice")
	}
	shopWords := []word{{"雾岭白毫银针", DefaultFreq}, {"闪充魔方", DefaultFreq}, {"包邮", DefaultFreq}}

	// The way before: words.txt, LoadDictEmbed (weighs), then the shop's
	// new words and a second weighing.
	var old gse.Segmenter
	old.SkipLog, old.NotLoadHMM = true, true
	old.Dict = gse.NewDict()
	old.Init()
	words, err := parseWords(embeddedWords, "words.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range words {
		old.AddToken(w.text, w.freq)
	}
	if err := old.LoadDictEmbed("zh_s"); err != nil {
		t.Fatal(err)
	}
	for _, w := range shopWords {
		if _, _, known := old.Find(w.text); !known {
			old.AddToken(w.text, w.freq)
		}
	}
	old.CalcToken()

	fast, _ := newCopyWith(shopWords)

	if a, b := old.Dict.NumTokens(), fast.seg.Dict.NumTokens(); a != b || a < minDictTokens {
		t.Fatalf("dictionary sizes: gse's load %d, the fast load %d", a, b)
	}
	if a, b := old.Dict.TotalFreq(), fast.seg.Dict.TotalFreq(); a != b {
		t.Errorf("total frequency: gse's load %v, the fast load %v", a, b)
	}
	lines := []string{
		"亲，这款充电器支持快充吗？今天下单什么时候发货，包邮吗",
		"收到的杯子碎了一个,盒子也压扁了,你们怎么包装的",
		"雾岭白毫银针还有货吗,买两盒能便宜点不",
		"闪充魔方和数据线一起买有优惠吗",
		"羽绒服保质期多久,可以七天无理由退货吗",
		"我要投诉,再不处理就给差评",
		"麻烦帮我改一下收货地址,谢谢亲",
	}
	cut := func(seg *gse.Segmenter, text string) []string {
		var out []string
		for _, sg := range seg.Segment([]byte(text)) {
			out = append(out, text[sg.Start():sg.End()])
			for _, sub := range sg.Token().Segments() {
				out = append(out, "·"+sub.Token().Text())
			}
		}
		return out
	}
	for _, line := range append(lines, parseBenchWords()...) {
		if a, b := cut(&old, line), cut(&fast.seg, line); !slices.Equal(a, b) {
			t.Errorf("%s:\n gse's load  %v\n fast load   %v", line, a, b)
		}
	}
}

// parseBenchWords is every word of words.txt as a line of its own, so each
// domain word is cut by both loads.
func parseBenchWords() []string {
	words, _ := parseWords(embeddedWords, "words.txt")
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "这个" + w.text + "怎么样"
	}
	return out
}

// weigh gives every word of the dictionary the distance and the sub-words
// gse's own CalcToken gives it.
func TestWeighAsGse(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the dictionary twice")
	}
	if !tokenMirrored {
		t.Fatal("gse.Token no longer has gseToken's fields: weigh falls back to gse's CalcToken on one core; mirror the new fields")
	}
	a, b := loadDict(), loadDict()
	a.seg.CalcToken()
	weigh(&b.seg)
	ta, tb := a.seg.Dict.Tokens, b.seg.Dict.Tokens
	if len(ta) != len(tb) {
		t.Fatalf("%d words weighed by gse, %d by weigh", len(ta), len(tb))
	}
	for i := range ta {
		ma, mb := mirror(&ta[i]), mirror(&tb[i])
		if ma.distance != mb.distance || !sameSubwords(ma.segments, mb.segments) {
			t.Fatalf("word %d %q: gse weighs %v %s, weigh %v %s", i, ta[i].Text(),
				ma.distance, describe(ma.segments), mb.distance, describe(mb.segments))
		}
	}
}

func sameSubwords(a, b []*gse.Segment) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Start() != y.Start() || x.End() != y.End() || x.Position != y.Position ||
			x.Token().Text() != y.Token().Text() || mirror(x.Token()).distance != mirror(y.Token()).distance ||
			x.Token().Freq() != y.Token().Freq() || x.Token().Pos() != y.Token().Pos() {
			return false
		}
	}
	return true
}

func describe(segs []*gse.Segment) string {
	var parts []string
	for _, s := range segs {
		parts = append(parts, fmt.Sprintf("%s[%d:%d]", s.Token().Text(), s.Start(), s.End()))
	}
	return strings.Join(parts, " ")
}

func TestIsKanaAsGse(t *testing.T) {
	for _, s := range []string{"の", "カ", "ー", "中", "a", "", "ゞ", "ヿ", "ｶ", "㋐", "中の"} {
		if got, want := isKana([]byte(s)), gse.IsJp(s); got != want {
			t.Errorf("isKana(%q) = %v, gse.IsJp %v", s, got, want)
		}
	}
}

// The first copy is cut with before its sub-words are weighed: the
// sub-words cut when asked for are those weighed later, word for word.
func TestSubwordsBeforeWeighed(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the dictionary")
	}
	c, _ := newCopyOf([]word{{"雾岭白毫银针", DefaultFreq}}, false)
	if c.subwordsIn.Load() {
		t.Fatal("sub-words in before weighSubwords")
	}
	lines := []string{
		"雾岭白毫银针还有货吗,羽绒服保质期多久",
		"收到的杯子碎了一个,盒子也压扁了,你们怎么包装的",
		"亲，这款充电器支持快充吗？今天下单什么时候发货，包邮吗",
		"中华人民共和国消费者权益保护法实施条例第十二条",
	}
	var before [][]Token
	for _, l := range lines {
		before = append(before, c.tokens(fold.String(l)))
	}
	if !slices.ContainsFunc(before[0], func(t Token) bool { return t.Term == "保质" }) {
		t.Errorf("%s before the sub-words are in: %v, want the sub-word 保质 of 保质期", lines[0], before[0])
	}
	c.weighSubwords()
	for i, l := range lines {
		if after := c.tokens(fold.String(l)); !slices.Equal(before[i], after) {
			t.Errorf("%s:\nbefore the sub-words are in %v\nafter %v", l, before[i], after)
		}
	}
	if got := Words("羽绒服"); !slices.Contains(got, "羽绒") {
		t.Errorf("Words(羽绒服) = %v, want the sub-word 羽绒", got)
	}
}
