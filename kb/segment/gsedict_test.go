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
		// Letters, digits and a character outside the dictionary are cut
		// into tokens gse makes up on the spot, with no sub-words.
		"iphone15promax的壳有43码吗,abc123型号,𠮷野家",
	}
	cut := func(seg *gse.Segmenter, subwords func(*gse.Token) []*gse.Segment, text string) []string {
		var out []string
		for _, sg := range seg.Segment([]byte(text)) {
			out = append(out, text[sg.Start():sg.End()])
			for _, sub := range subwords(sg.Token()) {
				out = append(out, "·"+sub.Token().Text())
			}
		}
		return out
	}
	gses := func(t *gse.Token) []*gse.Segment { return t.Segments() }
	for _, line := range append(lines, parseBenchWords()...) {
		if a, b := cut(&old, gses, line), cut(&fast.seg, fast.subwords, line); !slices.Equal(a, b) {
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

// A copy weighed by weigh gives every word of the dictionary the distance
// gse's own CalcToken gives it, and subwords the sub-words CalcToken
// records in it.
func TestSubwordsAsGse(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the dictionary twice")
	}
	if !tokenMirrored {
		t.Fatal("gse.Token no longer has gseToken's fields: weigh falls back to gse's CalcToken on one core; mirror the new fields")
	}
	// gse's CalcToken writes sub-words into the tokens: it weighs a copy as
	// built, whose tokens the collector scans (see unscanned).
	a, b := buildDict(), loadDict()
	a.seg.CalcToken()
	b.weigh()
	ta, tb := a.seg.Dict.Tokens, b.seg.Dict.Tokens
	if len(ta) != len(tb) {
		t.Fatalf("%d words weighed by gse, %d by weigh", len(ta), len(tb))
	}
	for i := range ta {
		ma, mb := mirror(&ta[i]), mirror(&tb[i])
		if mb.segments != nil {
			t.Fatalf("word %d %q: sub-words in the token, want them cut when asked for", i, tb[i].Text())
		}
		if subs := b.subwords(&tb[i]); ma.distance != mb.distance || !sameSubwords(ma.segments, subs) {
			t.Fatalf("word %d %q: gse weighs %v %s, weigh %v %s", i, ta[i].Text(),
				ma.distance, describe(ma.segments), mb.distance, describe(subs))
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

// A word's sub-words are kept once cut, and forgotten when words are added
// to the copy: a new word can be a sub-word of one kept before. The copy
// then cuts as a copy loaded with every word at once.
func TestSubwordsForgottenWhenWordsAreAdded(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the dictionary twice")
	}
	const line = "雾岭白毫银针还有货吗,羽绒服保质期多久"
	c, _ := newCopyWith([]word{{"雾岭白毫银针", DefaultFreq}})
	first := c.tokens(fold.String(line))
	if again := c.tokens(fold.String(line)); !slices.Equal(first, again) {
		t.Fatalf("cut twice:\n%v\n%v", first, again)
	}
	if !slices.ContainsFunc(first, func(t Token) bool { return t.Term == "保质" }) {
		t.Errorf("%s: %v, want the sub-word 保质 of 保质期", line, first)
	}
	if slices.ContainsFunc(first, func(t Token) bool { return t.Term == "白毫银针" }) {
		t.Fatalf("%s: %v holds 白毫银针 before it is a word", line, first)
	}
	learn(c, []word{{"白毫银针", DefaultFreq}})
	whole, _ := newCopyWith([]word{{"雾岭白毫银针", DefaultFreq}, {"白毫银针", DefaultFreq}})
	after, want := c.tokens(fold.String(line)), whole.tokens(fold.String(line))
	if !slices.Equal(after, want) {
		t.Errorf("%s after learning 白毫银针:\n%v\nloaded with it:\n%v", line, after, want)
	}
	if !slices.ContainsFunc(after, func(t Token) bool { return t.Term == "白毫银针" }) {
		t.Errorf("%s after learning 白毫银针: %v, want the sub-word 白毫银针", line, after)
	}
}

// Only dictionary words' sub-words are kept: gse makes up a new token for
// each run of letters or digits and each character it does not know, every
// time it cuts, and a server cuts such text all day.
func TestSubwordsKeptForDictionaryWordsOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the dictionary")
	}
	c, _ := newCopyWith(nil)
	kept := func() int {
		n := 0
		c.subs.Range(func(any, any) bool { n++; return true })
		return n
	}
	line := fold.String("iphone15promax的壳有43码吗,订单号2611300042,𠮷野家")
	c.tokens(line)
	first := kept()
	if first == 0 {
		t.Fatal("no sub-words kept after a cut")
	}
	for range 50 {
		c.tokens(line)
	}
	if n := kept(); n != first {
		t.Errorf("sub-words kept for %d tokens after one cut, %d after 51 cuts of the same line", first, n)
	}
}
