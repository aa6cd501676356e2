package classify

import (
	"slices"
	"sort"
)

// Decide turns one reading into the categories a reader raises: for each
// kind, its most probable category when the kind's probability reaches the
// threshold. It is the classifier alone, before the lexicon has its say.
func Decide(rd *Reading, threshold float64) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range rd.m.classes[1:] {
		k := KindOf(c)
		if seen[k] {
			continue
		}
		seen[k] = true
		if rd.KindProb(k) >= threshold {
			cat, _ := rd.BestOf(k)
			out = append(out, cat)
		}
	}
	return out
}

// Score counts one category (or one kind) over labelled lines.
type Score struct {
	Name       string `json:"name"`
	Lines      int    `json:"lines"`       // lines labelled with it
	Hit        int    `json:"hit"`         // … on which it was raised
	Others     int    `json:"others"`      // lines labelled otherwise
	FalseAlarm int    `json:"false_alarm"` // … on which it was raised
}

// Recall is Hit/Lines.
func (s Score) Recall() float64 { return ratio(s.Hit, s.Lines) }

// FARate is FalseAlarm/Others.
func (s Score) FARate() float64 { return ratio(s.FalseAlarm, s.Others) }

// Precision is Hit/(Hit+FalseAlarm).
func (s Score) Precision() float64 { return ratio(s.Hit, s.Hit+s.FalseAlarm) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Tally scores what a reader raised against the labels, per category and
// per kind. A line raises a kind when it raises any category of it; a
// category is a hit only when it is the labelled one.
type Tally struct {
	Categories map[string]*Score
	Kinds      map[string]*Score
}

// NewTally starts an empty tally over the given categories.
func NewTally(categories []string) *Tally {
	t := &Tally{Categories: map[string]*Score{}, Kinds: map[string]*Score{}}
	for _, c := range categories {
		if c == None {
			continue
		}
		t.Categories[c] = &Score{Name: c}
		if t.Kinds[KindOf(c)] == nil {
			t.Kinds[KindOf(c)] = &Score{Name: KindOf(c)}
		}
	}
	return t
}

// Add counts one line: its label and what was raised on it.
func (t *Tally) Add(label string, raised []string) {
	for name, s := range t.Categories {
		on := slices.Contains(raised, name)
		if label == name {
			s.Lines++
			if on {
				s.Hit++
			}
		} else {
			s.Others++
			if on {
				s.FalseAlarm++
			}
		}
	}
	for name, s := range t.Kinds {
		on := slices.ContainsFunc(raised, func(c string) bool { return KindOf(c) == name })
		if KindOf(label) == name {
			s.Lines++
			if on {
				s.Hit++
			}
		} else {
			s.Others++
			if on {
				s.FalseAlarm++
			}
		}
	}
}

// Sorted lists scores by name.
func Sorted(m map[string]*Score) []*Score {
	out := make([]*Score, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// MacroRecall is the mean recall of the scores that have lines.
func MacroRecall(ss []*Score) float64 {
	sum, n := 0.0, 0
	for _, s := range ss {
		if s.Lines > 0 {
			sum += s.Recall()
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// Fold is one held-out part of the corpus with the model trained on the rest.
type Fold struct {
	Trade string
	Held  []Example
	Model *Classifier
}

// LeaveOneTradeOut trains one classifier per trade on every other trade's
// lines (agent lines of "mixed" trade always train) and hands each to visit
// with the held-out lines.
func LeaveOneTradeOut(examples []Example, opt TrainOptions, visit func(Fold)) {
	var trades []string
	for _, e := range examples {
		if e.Role == "buyer" && !slices.Contains(trades, e.Trade) {
			trades = append(trades, e.Trade)
		}
	}
	sort.Strings(trades)
	for _, tr := range trades {
		var train, held []Example
		for _, e := range examples {
			if e.Trade == tr && e.Role == "buyer" {
				held = append(held, e)
			} else {
				train = append(train, e)
			}
		}
		visit(Fold{Trade: tr, Held: held, Model: New(train, opt)})
	}
}
