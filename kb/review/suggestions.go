package review

import (
	"cmp"
	"slices"
	"time"

	"assist/kb"
)

// Signal is an outcome a manager weighs a suggestion by.
type Signal string

const (
	SignalOrderPaid       Signal = "order_paid"
	SignalOrderCancelled  Signal = "order_cancelled"
	SignalRefundRequested Signal = "refund_requested"
	SignalDisputeOpened   Signal = "dispute_opened"
	SignalDisputeWon      Signal = "dispute_won"  // ruled for the shop
	SignalDisputeLost     Signal = "dispute_lost" // ruled for the buyer
	SignalGoodReview      Signal = "review_good"
	SignalBadReview       Signal = "review_bad"
)

// Signals lists every signal in the order pages show them.
var Signals = []Signal{SignalOrderPaid, SignalOrderCancelled, SignalRefundRequested, SignalDisputeOpened,
	SignalDisputeWon, SignalDisputeLost, SignalGoodReview, SignalBadReview}

// signalOf is the signal an outcome gives, "" for none.
func signalOf(o kb.Outcome) Signal {
	switch o.Kind {
	case kb.OutcomeOrderPaid:
		return SignalOrderPaid
	case kb.OutcomeOrderCancelled:
		return SignalOrderCancelled
	case kb.OutcomeRefundRequested:
		return SignalRefundRequested
	case kb.OutcomeDisputeOpened:
		return SignalDisputeOpened
	case kb.OutcomeDisputeResolved:
		switch o.Result {
		case kb.ResultSellerWon:
			return SignalDisputeWon
		case kb.ResultBuyerWon:
			return SignalDisputeLost
		}
	case kb.OutcomeReviewLeft:
		switch o.Rating {
		case kb.RatingGood:
			return SignalGoodReview
		case kb.RatingBad:
			return SignalBadReview
		}
	}
	return ""
}

// Comparison is one signal after use against after no use, in conversations.
type Comparison struct {
	Used       int // conversations where the suggestion was used
	UsedWith   int // of those, with the signal at or after the first use
	Unused     int // conversations where it was shown and never used
	UnusedWith int // of those, with the signal at or after the first showing
}

// UsedRate is UsedWith / Used.
func (c Comparison) UsedRate() float64 { return ratio(c.UsedWith, c.Used) }

// UnusedRate is UnusedWith / Unused.
func (c Comparison) UnusedRate() float64 { return ratio(c.UnusedWith, c.Unused) }

// SuggestionFigures is what happened to one suggestion.
type SuggestionFigures struct {
	Kind         string
	SuggestionID string
	Shown        int // turns whose set showed it to an agent
	Used         int // of those, used (clicked or typed)
	Typed        int // of the used, found in the agent's text only
	Edited       int // of the used, sent with changes
	Dismissed    int // of the shown, closed and not used
	After        map[Signal]Comparison
}

// UseRate is Used / Shown.
func (s SuggestionFigures) UseRate() float64 { return ratio(s.Used, s.Shown) }

// showing is one suggestion in one turn's set, as agents met it.
type showing struct {
	shown     bool
	clicked   bool
	typed     bool
	edited    bool
	dismissed bool
	shownAt   time.Time // earliest
	usedAt    time.Time // earliest
}

type showingKey struct {
	kind, id, conv string
	turn           int
}

// Suggestions computes the figures per suggestion, sorted by kind then id.
func Suggestions(in Input, opt Options) []SuggestionFigures {
	showings := map[showingKey]*showing{}
	for _, e := range in.Events {
		if opt.IsAgent != nil && !opt.IsAgent(e.Agent) {
			continue // a manager or admin watching is not an agent
		}
		k := showingKey{e.Kind, e.SuggestionID, e.Conversation, e.Turn}
		s := showings[k]
		if s == nil {
			s = &showing{}
			showings[k] = s
		}
		switch e.Action {
		case kb.ActionShown:
			s.shown = true
			s.shownAt = earliest(s.shownAt, e.At)
		case kb.ActionUsed:
			if e.Typed {
				s.typed = true
			} else {
				s.clicked = true
			}
			s.edited = s.edited || e.Edited
			s.usedAt = earliest(s.usedAt, e.At)
		case kb.ActionDismissed:
			s.dismissed = true
		}
	}

	// Per suggestion and conversation: the first use and the first showing.
	type convKey struct{ kind, id, conv string }
	type convUse struct {
		used                 bool
		firstUse, firstShown time.Time
	}
	convs := map[convKey]*convUse{}
	figs := map[[2]string]*SuggestionFigures{}
	for k, s := range showings {
		if !s.shown {
			continue // only what an agent's panel showed counts
		}
		f := figs[[2]string{k.kind, k.id}]
		if f == nil {
			f = &SuggestionFigures{Kind: k.kind, SuggestionID: k.id, After: map[Signal]Comparison{}}
			figs[[2]string{k.kind, k.id}] = f
		}
		f.Shown++
		used := s.clicked || s.typed
		switch {
		case used:
			f.Used++
			if s.typed && !s.clicked {
				f.Typed++
			}
			if s.edited {
				f.Edited++
			}
		case s.dismissed:
			f.Dismissed++
		}
		ck := convKey{k.kind, k.id, k.conv}
		cu := convs[ck]
		if cu == nil {
			cu = &convUse{}
			convs[ck] = cu
		}
		cu.firstShown = earliest(cu.firstShown, s.shownAt)
		if used {
			cu.used = true
			cu.firstUse = earliest(cu.firstUse, s.usedAt)
		}
	}

	signals := map[string][]kb.Outcome{}
	for _, o := range uniqueOutcomes(in.Outcomes) {
		if signalOf(o) != "" {
			signals[o.Conversation] = append(signals[o.Conversation], o)
		}
	}
	for ck, cu := range convs {
		f := figs[[2]string{ck.kind, ck.id}]
		used := cu.used
		since := cu.firstShown
		if used {
			since = cu.firstUse
		}
		had := map[Signal]bool{}
		for _, o := range signals[ck.conv] {
			if !o.At.Before(since) {
				had[signalOf(o)] = true
			}
		}
		for _, sig := range Signals {
			c := f.After[sig]
			if used {
				c.Used++
				if had[sig] {
					c.UsedWith++
				}
			} else {
				c.Unused++
				if had[sig] {
					c.UnusedWith++
				}
			}
			f.After[sig] = c
		}
	}

	out := make([]SuggestionFigures, 0, len(figs))
	for _, f := range figs {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b SuggestionFigures) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.SuggestionID, b.SuggestionID))
	})
	return out
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
