// Package usage decides whether an agent used a phrase the panel showed when
// the agent typed (or pasted) instead of clicking: it compares the text the
// agent sent with the phrases shown for recent turns, as they were filled.
//
// How it matches. Both texts are folded (kb/fold: traditional to simplified,
// full to half width, lower case) and stripped of everything that is not a
// letter or a digit (punctuation, emoji, spaces), so "亲~在的!😊" and "亲在的"
// are one text. Equal after that is Used. Otherwise the two are compared as
// multisets of character bigrams:
//
//   - Dice = 2·shared / (bigrams of sent + bigrams of phrase): small edits
//     (a word changed, a particle added, a number changed) keep it high;
//   - the share of the sent text found in the phrase: an agent who sends one
//     sentence of a longer phrase keeps almost all of it;
//   - the share of the phrase found in the sent text: an agent who adds a
//     greeting or a closing around the phrase keeps the phrase whole.
//
// Any of the three at its threshold makes the sent text an Edited use of the
// phrase; the two shares only count when the part they measure is long
// enough (MinPart), so a short common clause ("亲,在的") is not a use. Among
// several shown phrases the one with the highest Dice wins, the most recent
// turn on a tie.
//
// Measured on testdata/pairs.txt (287 labelled pairs written for this
// package) by TestAgreement, which pins the figures: no false use, and every
// use found but heavy rewrites (which keep the gist and few of the words)
// and parts shorter than MinPart. A shown phrase as short as "好的" counts as
// used whenever the agent types those words: the text cannot tell a click.
package usage

import (
	"slices"
	"sync"
	"unicode"

	"assist/kb/fold"
)

// Verdict is what the matcher decides about one sent text.
type Verdict string

const (
	NotUsed Verdict = "not_used" // written without any shown phrase
	Used    Verdict = "used"     // a shown phrase as it was (up to punctuation, spaces, emoji, width, case)
	Edited  Verdict = "edited"   // a shown phrase with changes: words edited, added around it, or a part of it
)

// Shown is one phrase an agent's panel showed, as filled for the product in view.
type Shown struct {
	ID   string
	Turn int // the turn whose suggestion set showed it
	Text string
}

// Match is the matcher's answer for one sent text.
type Match struct {
	Verdict Verdict
	Phrase  Shown   // the phrase used; zero when NotUsed
	Dice    float64 // similarity of the normalised texts, 0..1
}

// Matcher holds the thresholds. The zero value matches nothing but equal
// texts; use Default.
type Matcher struct {
	MinDice  float64 // Dice at or above which a sent text is an edited phrase
	MinCover float64 // share of one side's bigrams found in the other for a part or a wrapped phrase
	MinPart  int     // fewest letters and digits that side must have for MinCover to count
}

// Default holds the thresholds TestAgreement measures.
var Default = Matcher{MinDice: 0.6, MinCover: 0.85, MinPart: 8}

// Match decides whether sent used one of shown, and which.
func (m Matcher) Match(sent string, shown []Shown) Match {
	s := normalise(make([]rune, 0, len(sent)/3+1), sent)
	sb := bigrams(make([]uint64, 0, len(s)), s)
	best := Match{Verdict: NotUsed}
	for _, sh := range shown {
		p := shownForms.of(sh.Text)
		v, dice := m.compare(s, sb, p.runes, p.bigrams)
		if v == NotUsed {
			continue
		}
		if best.Verdict == NotUsed || dice > best.Dice || (dice == best.Dice && sh.Turn > best.Phrase.Turn) {
			best = Match{Verdict: v, Phrase: sh, Dice: dice}
		}
	}
	return best
}

// Compare decides whether sent used phrase, and gives their Dice similarity.
func (m Matcher) Compare(sent, phrase string) (Verdict, float64) {
	s, p := normalise(nil, sent), normalise(nil, phrase)
	return m.compare(s, bigrams(nil, s), p, bigrams(nil, p))
}

func (m Matcher) compare(s []rune, sb []uint64, p []rune, pb []uint64) (Verdict, float64) {
	if len(s) == 0 || len(p) == 0 {
		return NotUsed, 0
	}
	if slices.Equal(s, p) {
		return Used, 1
	}
	if len(sb) == 0 || len(pb) == 0 { // one side is a single character and they differ
		return NotUsed, 0
	}
	shared := float64(common(sb, pb))
	dice := 2 * shared / float64(len(sb)+len(pb))
	switch {
	case dice >= m.MinDice,
		len(s) >= m.MinPart && shared/float64(len(sb)) >= m.MinCover, // a part of the phrase
		len(p) >= m.MinPart && shared/float64(len(pb)) >= m.MinCover: // the phrase, with words around it
		return Edited, dice
	}
	return NotUsed, dice
}

// normalise appends to out the letters and digits of text, folded.
func normalise(out []rune, text string) []rune {
	for _, r := range text {
		r = fold.Rune(r)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, r)
		}
	}
	return out
}

// bigrams appends to out the character bigrams of rs, each packed in a
// uint64, and sorts them.
func bigrams(out []uint64, rs []rune) []uint64 {
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, uint64(uint32(rs[i]))<<32|uint64(uint32(rs[i+1])))
	}
	slices.Sort(out)
	return out
}

// common counts the bigrams two sorted multisets share, repeats included.
func common(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// form is a text normalised and its bigrams, as compare takes them.
type form struct {
	runes   []rune
	bigrams []uint64
}

// forms keeps shown phrases' forms by text: a phrase, filled for the same
// product, is shown turn after turn and in chat after chat, and each agent
// turn is compared with the last turns' phrases. It holds two generations
// of at most half bytes each; when the newer fills, the older is dropped.
type forms struct {
	mu       sync.Mutex
	half     int
	size     int
	cur, old map[string]form
}

var shownForms = &forms{half: 2 << 20, cur: map[string]form{}}

// of returns text's form; the slices are shared and must not be changed.
func (f *forms) of(text string) form {
	f.mu.Lock()
	got, ok := f.cur[text]
	if !ok {
		if got, ok = f.old[text]; ok {
			f.put(text, got)
		}
	}
	f.mu.Unlock()
	if ok {
		return got
	}
	r := normalise(nil, text)
	got = form{runes: r, bigrams: bigrams(make([]uint64, 0, len(r)), r)}
	f.mu.Lock()
	f.put(text, got)
	f.mu.Unlock()
	return got
}

func (f *forms) put(text string, v form) {
	n := len(text) + 12*len(v.runes)
	if f.size+n > f.half {
		f.old, f.cur, f.size = f.cur, map[string]form{}, 0
	}
	f.cur[text] = v
	f.size += n
}
