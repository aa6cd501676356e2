package review

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
)

// Nudge kinds the 质检 counts, as the engine names them (assistant.Nudge*).
const (
	NudgeShippingPromise = "shipping_promise" // on an agent turn: a time promise the shop cannot keep, sent
	NudgeAdmission       = "admission"        // on an agent turn: fault admitted before evidence
	NudgeWording         = "wording"          // on an agent turn: an Advertising-Law absolute word
	NudgeBargain         = "upsell:bargain"   // on a buyer turn: the buyer bargains
)

// Deductions of the 质检 score; a conversation starts at 100 and never goes
// below 0. A problem counts once per conversation, however often it occurs.
const (
	DeductPromise    = 30
	DeductAdmission  = 20
	DeductWording    = 20
	DeductDiscount   = 15
	DeductNoGreeting = 10
	DeductNoClosing  = 5
)

// QualityTurn is what the 质检 reads of one turn: who sent it, its text and
// the nudges the engine raised on it ("kind" or "kind:category").
type QualityTurn struct {
	Role   string
	Text   string
	Nudges []string
}

// Quality is the 质检 of one conversation, from what assist detected in the
// turns the agent actually sent.
type Quality struct {
	Promise   bool // a shipping promise the shop cannot keep was sent
	Admission bool // fault admitted before evidence
	Wording   bool // Advertising-Law words
	Discount  bool // bargaining answered with a plain discount instead of an offer
	Greeting  bool // the agent's first turn greets
	Closing   bool // the agent's last turn closes
	Score     int  // 100 minus the deductions
}

// QualityWords are the word lists of the 质检 (quality.txt).
type QualityWords struct {
	Greeting, Closing, Discount, Offer []string
}

//go:embed quality.txt
var defaultQuality []byte

var defaultWords = mustParseWords("quality.txt", defaultQuality)

// DefaultWords is the embedded quality.txt.
func DefaultWords() *QualityWords { return defaultWords }

func mustParseWords(file string, data []byte) *QualityWords {
	w, err := ParseWords(file, data)
	if err != nil {
		panic(err)
	}
	return w
}

// ParseWords reads a word list in the format of quality.txt: # comments,
// [section] headers (greeting, closing, discount, offer), one word a line.
func ParseWords(file string, data []byte) (*QualityWords, error) {
	w := &QualityWords{}
	var list *[]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if i := strings.Index(text, "#"); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		switch {
		case text == "":
			continue
		case strings.HasPrefix(text, "["):
			switch text {
			case "[greeting]":
				list = &w.Greeting
			case "[closing]":
				list = &w.Closing
			case "[discount]":
				list = &w.Discount
			case "[offer]":
				list = &w.Offer
			default:
				return nil, fmt.Errorf("%s:%d: section %s: want [greeting], [closing], [discount] or [offer]", file, n, text)
			}
		case list == nil:
			return nil, fmt.Errorf("%s:%d: word %q before any [section]", file, n, text)
		default:
			*list = append(*list, text)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for _, s := range []struct {
		name string
		list []string
	}{{"greeting", w.Greeting}, {"closing", w.Closing}, {"discount", w.Discount}, {"offer", w.Offer}} {
		if len(s.list) == 0 {
			return nil, fmt.Errorf("%s: section [%s] is missing or empty", file, s.name)
		}
	}
	return w, nil
}

// Check reads one conversation's turns in order. A conversation the agent
// never answered has no 质检 (ok is false).
func (w *QualityWords) Check(turns []QualityTurn) (q Quality, ok bool) {
	first, last := -1, -1
	bargaining := false
	for i, t := range turns {
		switch t.Role {
		case Buyer:
			if has(t.Nudges, NudgeBargain) {
				bargaining = true
			}
		case Agent:
			if first < 0 {
				first = i
			}
			last = i
			for _, n := range t.Nudges {
				kind, _, _ := strings.Cut(n, ":")
				switch kind {
				case NudgeShippingPromise:
					q.Promise = true
				case NudgeAdmission:
					q.Admission = true
				case NudgeWording:
					q.Wording = true
				}
			}
			if bargaining && containsAny(t.Text, w.Discount) && !containsAny(t.Text, w.Offer) {
				q.Discount = true
			}
			bargaining = false // the first reply after bargaining is the answer to it
		}
	}
	if first < 0 {
		return Quality{}, false
	}
	q.Greeting = containsAny(turns[first].Text, w.Greeting)
	q.Closing = containsAny(turns[last].Text, w.Closing)
	q.Score = 100
	for _, d := range []struct {
		bad bool
		n   int
	}{{q.Promise, DeductPromise}, {q.Admission, DeductAdmission}, {q.Wording, DeductWording},
		{q.Discount, DeductDiscount}, {!q.Greeting, DeductNoGreeting}, {!q.Closing, DeductNoClosing}} {
		if d.bad {
			q.Score -= d.n
		}
	}
	q.Score = max(q.Score, 0)
	return q, true
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func containsAny(text string, words []string) bool {
	lower := strings.ToLower(text)
	for _, w := range words {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}
