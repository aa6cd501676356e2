package classify

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"assist/kb/segment"
)

func TestParseCorpusErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"too few fields", "buyer\tnone\tfood\tteam-written", "c.tsv:1: want 5 tab-separated fields"},
		{"bad role", "seller\tnone\tfood\tteam-written\t你好", "c.tsv:1: role \"seller\""},
		{"bad category", "buyer\tEvidence\tfood\tteam-written\t你好", "c.tsv:1: category \"Evidence\""},
		{"category without kind", "buyer\tmissing\tfood\tteam-written\t少了", "c.tsv:1: category \"missing\""},
		{"no trade", "buyer\tnone\t\tteam-written\t你好", "c.tsv:1: trade is empty"},
		{"no source", "buyer\tnone\tfood\t\t你好", "c.tsv:1: source is empty"},
		{"no text, after a comment", "# head\nbuyer\tnone\tfood\tteam-written\t  ", "c.tsv:2: text is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCorpus("c.tsv", strings.NewReader(tt.text))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to start with %q", err, tt.want)
			}
		})
	}
	ex, err := ParseCorpus("c.tsv", strings.NewReader("# c\n\nbuyer\tevidence.missing\tfood\treal-buyer-messages:7\t少了一袋\n"))
	if err != nil || len(ex) != 1 || ex[0].Kind() != "evidence" || ex[0].Line != 3 || ex[0].Text != "少了一袋" {
		t.Errorf("ParseCorpus = %+v, %v", ex, err)
	}
}

// TestEmbeddedCorpus pins what the corpus holds: every nudge category,
// at least 15 trades besides the real lines, every real line labelled.
func TestEmbeddedCorpus(t *testing.T) {
	ex, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	trades, cats, real := map[string]int{}, map[string]int{}, 0
	for _, e := range ex {
		if e.Role == "buyer" {
			trades[e.Trade]++
		}
		cats[e.Category]++
		if strings.HasPrefix(e.Source, "real-buyer-messages:") {
			real++
		}
	}
	if len(ex) < 4000 || len(trades) < 17 || real != 680 {
		t.Errorf("corpus: %d lines, %d trades (%v), %d real lines; want ≥4000, ≥17 (15 trades, general, real), 680", len(ex), len(trades), trades, real)
	}
	for _, c := range []string{"upsell.bargain", "upsell.gift", "upsell.free_shipping", "upsell.quantity", "upsell.buy_intent",
		"evidence.missing", "evidence.wrong_item", "evidence.damaged", "evidence.not_received", "evidence.quality",
		"evidence.harm", "evidence.intervention", "evidence.review_extortion", "admission.early", "wording.absolute"} {
		if cats[c] < 50 {
			t.Errorf("%s: %d lines, want ≥50", c, cats[c])
		}
	}
}

var (
	once  sync.Once
	model *Classifier
)

func trained(t testing.TB) *Classifier {
	once.Do(func() { model = Default() })
	return model
}

// TestRead pins what the trained model says of lines no corpus line holds,
// and that each verdict comes with the pieces of the turn behind it.
func TestRead(t *testing.T) {
	c := trained(t)
	tests := []struct {
		name, text, want string
		piece            string // a piece the explanation must show
	}{
		{"missing", "拆开一看少了两瓶洗发水", "evidence.missing", "少了"},
		{"not received", "查了物流说驿站签收了,我去取说找不到", "evidence.not_received", ""},
		{"faulty", "新买的吹风机吹了两次就不出热风了", "evidence.quality", ""},
		{"bargain", "老板再便宜个二十呗", "upsell.bargain", "便宜"},
		{"buy", "行那我就拍两个吧", "upsell.buy_intent", "拍"},
		{"chit-chat", "今天天气不错", None, ""},
		{"delay", "怎么还没发货啊", None, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := c.Buyer.Read(tt.text)
			got, p := rd.Best()
			if got != tt.want {
				t.Fatalf("Read(%q) = %s %.2f, want %s", tt.text, got, p, tt.want)
			}
			if tt.want == None {
				return
			}
			why := rd.Why(got, 3)
			if len(why) == 0 {
				t.Fatalf("Why(%q) is empty", tt.text)
			}
			texts := []string{}
			for _, w := range why {
				if w.Weight <= 0 || string([]rune(tt.text)[w.Start:w.End]) != w.Text {
					t.Errorf("piece %+v does not match the text %q", w, tt.text)
				}
				texts = append(texts, w.Text)
			}
			if tt.piece != "" && !strings.Contains(strings.Join(texts, " "), tt.piece) {
				t.Errorf("Why(%q) = %v, want a piece holding %q", tt.text, texts, tt.piece)
			}
			near := rd.Nearest(got, why, 2)
			if len(near) == 0 {
				t.Errorf("Nearest(%q, %s) found no labelled line", tt.text, got)
			}
			t.Logf("%q: why %v, like %q", tt.text, texts, near)
		})
	}
}

// TestReleasedReadingsReadAsNew: a Reading given back and used for the
// next turn says of it exactly what a Reading of its own does — long turns
// after short ones, short after long, a turn read twice — and Why's and
// Nearest's answers stay as they were after their Reading is reused.
func TestReleasedReadingsReadAsNew(t *testing.T) {
	c := trained(t)
	lines := []string{
		"拆开一看少了两瓶洗发水", "好", "查了物流说驿站签收了,我去取说找不到,你们到底怎么回事,我要投诉",
		"老板再便宜个二十呗", "", "行那我就拍两个吧", "单号123456吗", "拆开一看少了两瓶洗发水", "\xff坏了\xfe",
	}
	type said struct {
		best string
		p    float64
		why  []Weighed
		near []string
	}
	read := func(rd *Reading) said {
		best, p := rd.Best()
		why := rd.Why(best, 3)
		return said{best, p, why, rd.Nearest(best, why, 2)}
	}
	var kept []said
	for round := range 3 {
		for i, text := range lines {
			own := new(Reading)
			c.Buyer.readInto(own, text)
			fresh := read(own)
			rd := c.Buyer.Read(text)
			got := read(rd)
			rd.Release()
			if !reflect.DeepEqual(got, fresh) {
				t.Errorf("round %d, %q: reused %+v, fresh %+v", round, text, got, fresh)
			}
			if round == 0 {
				kept = append(kept, got)
			} else if !reflect.DeepEqual(kept[i], fresh) {
				t.Errorf("%q: what an earlier reading returned changed with its reuse: %+v, now %+v", text, kept[i], fresh)
			}
		}
	}
}

func TestSameText(t *testing.T) {
	for _, tt := range []struct {
		s    string
		rs   []rune
		want bool
	}{
		{"", nil, true}, {"少了", []rune("少了"), true}, {"少了", []rune("少"), false}, {"少", []rune("少了"), false},
		{"\ufffd", []rune{utf8.RuneError}, true}, {"\xff", []rune{utf8.RuneError}, false}, {"ab", []rune("ba"), false},
	} {
		if got := sameText(tt.s, tt.rs); got != tt.want || got != (tt.s == string(tt.rs)) {
			t.Errorf("sameText(%q, %q) = %v, want %v", tt.s, string(tt.rs), got, tt.want)
		}
	}
}

// TestTrainIsDeterministic: the same corpus gives the same model, so the
// figures `assist corpus` prints are the engine's.
func TestTrainIsDeterministic(t *testing.T) {
	ex, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	var buyer []Example
	for _, e := range ex {
		if e.Trade == "food" || e.Trade == "general" {
			buyer = append(buyer, e)
		}
	}
	a, b := Train(buyer, "buyer", TrainOptions{}), Train(buyer, "buyer", TrainOptions{})
	for _, text := range []string{"少了一袋", "能便宜点吗", "你好"} {
		pa, pb := a.Read(text).probs, b.Read(text).probs
		for i := range pa {
			if pa[i] != pb[i] {
				t.Fatalf("%q: %v vs %v", text, pa, pb)
			}
		}
	}
}

// TestDigitsReadAsOne: an order number weighs as one symbol, and pieces
// still point into the original text.
func TestDigitsReadAsOne(t *testing.T) {
	fs := features("单号123456吗", nil)
	grams := 0
	for _, f := range fs {
		if f.end-f.start >= 1 && f.start == 2 && f.end == 8 {
			grams++
		}
	}
	if grams == 0 {
		t.Errorf("no feature spans the digits 123456 as one: %+v", fs)
	}
}

// TestTrainingTime measures training on the whole corpus: what go generate
// and each fold of assist corpus pay (the gse dictionary aside).
func TestTrainingTime(t *testing.T) {
	segment.LoadTime()
	ex, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	New(ex, TrainOptions{})
	d := time.Since(start)
	t.Logf("trained on %d lines in %v", len(ex), d)
	if d > 5*time.Second {
		t.Errorf("training took %v", d)
	}
}

func BenchmarkClassify(b *testing.B) {
	c := trained(b)
	for _, bc := range []struct{ name, text string }{
		{"complaint", "你好,我昨天收到的东西少了一盒,而且盒子压坏了,怎么处理?"},
		{"short", "在吗"},
		{"bargain", "这款两个一起买能便宜点吗,包邮吗"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rd := c.Buyer.Read(bc.text)
				rd.KindProb("evidence")
				rd.KindProb("upsell")
				rd.Release() // as the engine does
			}
		})
	}
}

// BenchmarkExplain is what a raised nudge adds to its reading: the pieces
// that weighed most and the nearest labelled lines.
func BenchmarkExplain(b *testing.B) {
	c := trained(b)
	text := "新买的鞋垫踩了两天就塌下去弹不回来了"
	rd := c.Buyer.Read(text)
	cat, _ := rd.Best()
	b.Run("why", func(b *testing.B) {
		for b.Loop() {
			rd.Why(cat, 5)
		}
	})
	why := rd.Why(cat, 5)
	b.Run("nearest", func(b *testing.B) {
		for b.Loop() {
			rd.Nearest(cat, why, 2)
		}
	})
}
