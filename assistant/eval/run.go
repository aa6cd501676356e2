// Package eval plays labelled conversations through the assistant and scores
// what it raised and suggested: the `assist eval` command's engine.
package eval

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/bundle"
	"assist/kb/index"
)

// ScoredKinds are the nudge kinds the figures count. Admission and wording
// are reported on their own so they never disturb these.
var ScoredKinds = []string{assistant.NudgeUpsell, assistant.NudgeEvidence, assistant.NudgeShippingPromise}

// Report is the result of one evaluation; its JSON is the contract of
// `assist eval -json`.
type Report struct {
	Shop    string                 `json:"shop"`
	Cases   int                    `json:"cases"`
	Turns   int                    `json:"turns"`
	Nudges  map[string]*NudgeScore `json:"nudges"`
	Info    map[string]*NudgeScore `json:"info_nudges"` // admission, wording: shown, not scored
	Docs    DocScore               `json:"docs"`
	Latency Latency                `json:"latency_ms"`
	Misses  []Miss                 `json:"misses"`
}

// NudgeScore counts one nudge kind.
type NudgeScore struct {
	Expected   int `json:"expected"`
	Hit        int `json:"hit"`
	Forbidden  int `json:"forbidden"`
	FalseAlarm int `json:"false_alarm"`
	Raised     int `json:"raised"` // turns on which it was raised at all
}

// DocScore counts expected documents found among the top suggestions.
type DocScore struct {
	Expected int     `json:"expected"`
	HitAt1   int     `json:"hit_at_1"`
	HitAt3   int     `json:"hit_at_3"`
	MRR      float64 `json:"mrr"`
}

// Latency is the time one turn took, in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Miss is a scored turn that was not all right.
type Miss struct {
	Case        string   `json:"case"`
	Turn        int      `json:"turn"`
	Missing     []string `json:"missing"`
	Unwanted    []string `json:"unwanted"`
	DocsMissing []string `json:"docs_missing"`
}

// Files evaluates the cases file against the shop bundle file in a fresh
// temporary store and index, removed afterwards.
func Files(ctx context.Context, shopPath, casesPath string) (*Report, error) {
	shop, err := bundle.Load(shopPath)
	if err != nil {
		return nil, err
	}
	cases, err := LoadCases(casesPath)
	if err != nil {
		return nil, err
	}
	if err := CheckCases(casesPath, cases, shop); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "assist-eval-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	engine, err := freshEngine(dir, shop)
	if err != nil {
		return nil, err
	}
	defer engine.Close()
	return Run(engine, cases), nil
}

// freshEngine indexes shop in dir and starts an engine over it. The shop is
// the bundle as read; that the store gives back the same shop is the store's
// own test (an export imports to the same thing).
func freshEngine(dir string, shop *kb.Shop) (*assistant.Engine, error) {
	idx, err := index.Build(filepath.Join(dir, "index"), shop)
	if err != nil {
		return nil, err
	}
	return assistant.New(assistant.Config{Shop: shop, Index: idx})
}

// Run plays every case through engine, turn by turn, as live conversations.
func Run(engine *assistant.Engine, cases []Case) *Report {
	r := &Report{Shop: engine.Shop().Name, Cases: len(cases), Nudges: map[string]*NudgeScore{},
		Info: map[string]*NudgeScore{}, Misses: []Miss{}}
	for _, k := range ScoredKinds {
		r.Nudges[k] = &NudgeScore{}
	}
	for _, k := range []string{assistant.NudgeAdmission, assistant.NudgeWording} {
		r.Info[k] = &NudgeScore{}
	}
	var took []time.Duration
	var rrSum float64
	for _, c := range cases {
		at := c.At
		chat := assistant.NewConversation(c.ID)
		for i, turn := range c.Turns {
			in := assistant.Turn{Role: assistant.Role(turn.Role), Text: turn.Text, At: at}
			if i == 0 {
				in.Product = c.Product
			}
			start := time.Now()
			s, err := engine.Turn(chat, in)
			took = append(took, time.Since(start))
			r.Turns++
			if err != nil {
				r.Misses = append(r.Misses, Miss{Case: c.ID, Turn: i, Missing: []string{"error: " + err.Error()}})
				continue
			}
			raised := map[string]bool{}
			for _, n := range s.Nudges {
				raised[n.Kind] = true
			}
			for k := range raised {
				if score := r.score(k); score != nil {
					score.Raised++
				}
			}
			rrSum += r.scoreTurn(c, i, s, raised)
		}
	}
	if r.Docs.Expected > 0 {
		r.Docs.MRR = round(rrSum/float64(r.Docs.Expected), 3)
	}
	r.Latency = percentiles(took)
	return r
}

func (r *Report) score(kind string) *NudgeScore {
	if s, ok := r.Nudges[kind]; ok {
		return s
	}
	return r.Info[kind]
}

// scoreTurn scores one turn's expectations and returns the sum of reciprocal
// ranks of its expected documents.
func (r *Report) scoreTurn(c Case, turn int, s *assistant.Suggestions, raised map[string]bool) float64 {
	miss := Miss{Case: c.ID, Turn: turn}
	var rr float64
	scoredTurn := false
	for _, e := range c.Expect {
		if e.Turn != turn {
			continue
		}
		scoredTurn = true
		for _, k := range e.Nudges {
			sc := r.score(k)
			sc.Expected++
			if raised[k] {
				sc.Hit++
			} else {
				miss.Missing = append(miss.Missing, k)
			}
		}
		for _, id := range e.Docs {
			r.Docs.Expected++
			rank := docRank(s, id)
			if rank == 1 {
				r.Docs.HitAt1++
			}
			if rank >= 1 && rank <= 3 {
				r.Docs.HitAt3++
				rr += 1 / float64(rank)
			} else {
				miss.DocsMissing = append(miss.DocsMissing, id)
			}
		}
	}
	for _, f := range c.Forbid {
		if f.Turn != turn {
			continue
		}
		scoredTurn = true
		for _, k := range f.Nudges {
			sc := r.score(k)
			sc.Forbidden++
			if raised[k] {
				sc.FalseAlarm++
				miss.Unwanted = append(miss.Unwanted, k)
			}
		}
	}
	if scoredTurn && (len(miss.Missing)+len(miss.Unwanted)+len(miss.DocsMissing) > 0) {
		r.Misses = append(r.Misses, miss)
	}
	return rr
}

// docRank is the 1-based rank of id among the suggestions of its own kind, 0
// when it is not there.
func docRank(s *assistant.Suggestions, id string) int {
	for i, p := range s.Products {
		if p.ID == id {
			return i + 1
		}
	}
	for i, x := range s.Rules {
		if x.ID == id {
			return i + 1
		}
	}
	for i, x := range s.Phrases {
		if x.ID == id {
			return i + 1
		}
	}
	return 0
}

// percentiles gives nearest-rank p50 and p99 and the maximum, in ms.
func percentiles(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	sorted := append([]time.Duration(nil), d...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	at := func(p float64) float64 {
		i := int(p*float64(len(sorted))+0.999999) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(sorted) {
			i = len(sorted) - 1
		}
		return ms(sorted[i])
	}
	return Latency{P50: at(0.50), P99: at(0.99), Max: ms(sorted[len(sorted)-1])}
}

func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 3) }

func round(v float64, places int) float64 {
	p := 1.0
	for i := 0; i < places; i++ {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}
