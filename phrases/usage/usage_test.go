package usage

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// pair is one labelled line of testdata/pairs.txt.
type pair struct {
	line     int
	phrase   Shown
	label    Verdict
	category string
	sent     string
}

// loadPairs reads the labelled pairs; a bad line fails with its file and line.
func loadPairs(t testing.TB, path string) ([]pair, []Shown) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pairs []pair
	var phrases []Shown
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			t.Fatalf("%s:%d: want 3 tab-separated fields, got %d", path, n, len(fields))
		}
		if fields[0] == "phrase" {
			phrases = append(phrases, Shown{ID: fields[1], Turn: len(phrases), Text: fields[2]})
			continue
		}
		label := Verdict(fields[0])
		if label != Used && label != Edited && label != NotUsed {
			t.Fatalf("%s:%d: label %q: want used, edited or not_used", path, n, fields[0])
		}
		if len(phrases) == 0 {
			t.Fatalf("%s:%d: a pair before any phrase line", path, n)
		}
		pairs = append(pairs, pair{line: n, phrase: phrases[len(phrases)-1], label: label, category: fields[1], sent: fields[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pairs, phrases
}

// score compares the matcher's verdicts with the labels (the clicks).
type score struct {
	n, agree       int // three-way: used / edited / not_used
	tp, fp, fn, tn int // two-way: any use against not used
}

func (s *score) add(label, got Verdict) {
	s.n++
	if label == got {
		s.agree++
	}
	switch wantUse, gotUse := label != NotUsed, got != NotUsed; {
	case wantUse && gotUse:
		s.tp++
	case gotUse:
		s.fp++
	case wantUse:
		s.fn++
	default:
		s.tn++
	}
}

func (s score) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s score) recall() float64    { return ratio(s.tp, s.tp+s.fn) }
func (s score) agreement() float64 { return ratio(s.agree, s.n) }
func (s score) String() string {
	return fmt.Sprintf("n=%d precision=%.3f recall=%.3f agreement=%.3f (tp=%d fp=%d fn=%d tn=%d)",
		s.n, s.precision(), s.recall(), s.agreement(), s.tp, s.fp, s.fn, s.tn)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// TestAgreement pins how often the matcher agrees with clicks on the labelled
// pairs, alone (one phrase shown) and among ten shown phrases, where it must
// also name the right one.
func TestAgreement(t *testing.T) {
	pairs, phrases := loadPairs(t, "testdata/pairs.txt")
	if len(pairs) < 200 {
		t.Fatalf("%d labelled pairs, want at least 200", len(pairs))
	}
	var alone, among score
	byCategory := map[string]*score{}
	wrongPhrase := 0
	for _, p := range pairs {
		got, dice := Default.Compare(p.sent, p.phrase.Text)
		alone.add(p.label, got)
		c := byCategory[p.category]
		if c == nil {
			c = &score{}
			byCategory[p.category] = c
		}
		c.add(p.label, got)
		if got != p.label {
			t.Logf("line %d %s: want %s, got %s (dice %.2f): %s", p.line, p.category, p.label, got, dice, p.sent)
		}

		m := Default.Match(p.sent, tenShown(phrases, p.phrase))
		among.add(p.label, m.Verdict)
		if m.Verdict != NotUsed && p.label != NotUsed && m.Phrase.ID != p.phrase.ID {
			wrongPhrase++
			t.Logf("line %d: matched %s instead of %s: %s", p.line, m.Phrase.ID, p.phrase.ID, p.sent)
		}
	}
	t.Logf("alone: %v", alone)
	t.Logf("among ten shown: %v, wrong phrase named %d", among, wrongPhrase)
	for _, c := range []string{"exact", "punct", "small", "greet", "partial", "big", "similar", "unrelated"} {
		t.Logf("  %-9s %v", c, byCategory[c])
	}

	// Floors at the measured figures: a change that lowers them fails here.
	for _, c := range []struct {
		name string
		s    score
	}{{"alone", alone}, {"among ten", among}} {
		if c.s.precision() < 0.99 || c.s.recall() < 0.82 || c.s.agreement() < 0.87 {
			t.Errorf("%s: %v; want precision ≥ 0.99, recall ≥ 0.82, agreement ≥ 0.87", c.name, c.s)
		}
	}
	// A rewrite that keeps the gist but few of the words (category big) is
	// beyond any text matcher; every other use is found but short parts.
	var found, uses int
	for c, s := range byCategory {
		if c != "big" {
			found += s.tp
			uses += s.tp + s.fn
		}
	}
	t.Logf("recall without big rewrites: %d of %d = %.3f", found, uses, ratio(found, uses))
	if ratio(found, uses) < 0.97 {
		t.Errorf("recall without big rewrites %d of %d, want ≥ 0.97", found, uses)
	}
	if wrongPhrase > 0 {
		t.Errorf("named the wrong phrase %d times among ten shown", wrongPhrase)
	}
	for _, c := range []string{"exact", "punct"} {
		if s := byCategory[c]; s.agree != s.n {
			t.Errorf("%s: %d of %d sent-as-shown texts not judged used", c, s.n-s.agree, s.n)
		}
	}
	for _, c := range []string{"small", "greet"} {
		if s := byCategory[c]; s.agree != s.n {
			t.Errorf("%s: %d of %d small edits not judged edited", c, s.n-s.agree, s.n)
		}
	}
}

// tenShown is the phrase and the nine after it in file order, as a panel
// that showed ten phrases over the last turns.
func tenShown(phrases []Shown, p Shown) []Shown {
	out := make([]Shown, 0, 10)
	for i := 0; i < 10; i++ {
		out = append(out, phrases[(p.Turn+i)%len(phrases)])
	}
	return out
}

func TestMatch(t *testing.T) {
	shown := []Shown{
		{ID: "greet", Turn: 0, Text: "亲,您好,我是今天值班的客服小林,想了解哪一款都可以问我"},
		{ID: "ship", Turn: 1, Text: "亲,本店默认发中通快递,下单后48小时内发货哦"},
		{ID: "ship-again", Turn: 3, Text: "亲,本店默认发中通快递,下单后48小时内发货哦"},
		{ID: "short", Turn: 3, Text: "好的"},
	}
	for _, tc := range []struct {
		name   string
		sent   string
		want   Verdict
		wantID string
	}{
		{"pasted with other punctuation and traditional characters", "親,本店默認發中通快遞!下單後48小時內發貨哦~", Used, "ship-again"},
		{"a word changed", "亲,本店默认发中通快递,下单后24小时内发货哦", Edited, "ship-again"},
		{"a greeting added", "在的亲!本店默认发中通快递,下单后48小时内发货哦,请问还有别的问题吗", Edited, "ship-again"},
		{"a part sent", "本店默认发中通快递", Edited, "ship-again"},
		{"a short phrase pasted", "好的!", Used, "short"},
		{"a short phrase inside other words is no use", "好的,我帮您看一下库存", NotUsed, ""},
		{"written from scratch", "我们发韵达,偏远地区要补运费", NotUsed, ""},
		{"nothing sent but emoji", "😊😊", NotUsed, ""},
		{"nothing shown", "亲,您好", NotUsed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := shown
			if tc.name == "nothing shown" {
				in = nil
			}
			m := Default.Match(tc.sent, in)
			if m.Verdict != tc.want || m.Phrase.ID != tc.wantID {
				t.Errorf("Match(%q) = %s %q (dice %.2f), want %s %q", tc.sent, m.Verdict, m.Phrase.ID, m.Dice, tc.want, tc.wantID)
			}
		})
	}
}

// BenchmarkMatch is one agent turn against ten shown phrases, the load the
// matcher adds to every turn.
func BenchmarkMatch(b *testing.B) {
	pairs, phrases := loadPairs(b, "testdata/pairs.txt")
	shown := tenShown(phrases, phrases[5])
	sent := pairs[len(pairs)/2].sent
	b.ReportAllocs()
	for b.Loop() {
		Default.Match(sent, shown)
	}
}

// The forms kept are the forms computed, and their memory is bounded: the
// older generation goes when the newer fills.
func TestFormsAreKeptAndBounded(t *testing.T) {
	f := &forms{half: 4 << 10, cur: map[string]form{}}
	_, phrases := loadPairs(t, "testdata/pairs.txt")
	for round := range 3 {
		for _, p := range phrases {
			got := f.of(p.Text)
			r := normalise(nil, p.Text)
			if !slices.Equal(got.runes, r) || !slices.Equal(got.bigrams, bigrams(nil, r)) {
				t.Fatalf("round %d: form of %q = %v, want %v", round, p.Text, got.runes, r)
			}
			if f.size > f.half {
				t.Fatalf("%d bytes kept in the newer generation, bound %d", f.size, f.half)
			}
		}
	}
	if len(f.cur)+len(f.old) >= len(phrases) {
		t.Errorf("%d forms kept of %d phrases within a bound of %d bytes: want some dropped", len(f.cur)+len(f.old), len(phrases), 2*f.half)
	}
}
