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
var Signals = [...]Signal{SignalOrderPaid, SignalOrderCancelled, SignalRefundRequested, SignalDisputeOpened,
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

// convUse is one suggestion in one conversation: whether it was used, and
// since when each signal counts.
type convUse struct {
	shown, used          bool
	firstUse, firstShown time.Time
}

// signalAt is an outcome's signal, by its index in Signals, and its time.
type signalAt struct {
	signal int
	at     time.Time
}

func (s *showing) add(e *Event) {
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

func (s showing) used() bool { return s.clicked || s.typed }

// count adds one showing to the suggestion's figures.
func (f *SuggestionFigures) count(s showing) {
	f.Shown++
	switch {
	case s.used():
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
}

func (c *convUse) add(s showing) {
	c.shown = true
	c.firstShown = earliest(c.firstShown, s.shownAt)
	if s.used() {
		c.used = true
		c.firstUse = earliest(c.firstUse, s.usedAt)
	}
}

// afterSignals counts, per signal, one conversation where a suggestion was
// used or only shown.
type afterSignals [len(Signals)]Comparison

func (a *afterSignals) count(cu convUse, outcomes []signalAt) {
	since := cu.firstShown
	if cu.used {
		since = cu.firstUse
	}
	var had [len(Signals)]bool
	for _, o := range outcomes {
		if !o.at.Before(since) {
			had[o.signal] = true
		}
	}
	for sig := range a {
		c := &a[sig]
		if cu.used {
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
	}
}

// Suggestions computes the figures per suggestion, sorted by kind then id.
// It reads one conversation at a time, so its maps stay small.
func Suggestions(in Input, opt Options) []SuggestionFigures {
	type suggKey struct{ kind, id string }
	index := map[suggKey]int{}
	var figs []SuggestionFigures
	var after []afterSignals
	byConv := map[string][]int{}
	for i, e := range in.Events {
		if opt.IsAgent != nil && !opt.IsAgent(e.Agent) {
			continue // a manager or admin watching is not an agent
		}
		byConv[e.Conversation] = append(byConv[e.Conversation], i)
	}
	signals := map[string][]signalAt{}
	for _, o := range uniqueOutcomes(in.Outcomes) {
		if i := slices.Index(Signals[:], signalOf(o)); i >= 0 {
			signals[o.Conversation] = append(signals[o.Conversation], signalAt{i, o.At})
		}
	}

	// Within a conversation, its events sorted by suggestion and turn: each
	// run of one suggestion and turn is a showing, each run of one
	// suggestion is its use in the conversation.
	type ref struct{ sugg, turn, event int }
	var refs []ref
	for conv, events := range byConv {
		refs = refs[:0]
		for _, i := range events {
			e := &in.Events[i]
			sk := suggKey{e.Kind, e.SuggestionID}
			n, ok := index[sk]
			if !ok {
				n = len(figs)
				index[sk] = n
				figs = append(figs, SuggestionFigures{Kind: e.Kind, SuggestionID: e.SuggestionID})
				after = append(after, afterSignals{})
			}
			refs = append(refs, ref{n, e.Turn, i})
		}
		slices.SortFunc(refs, func(a, b ref) int { return cmp.Or(cmp.Compare(a.sugg, b.sugg), cmp.Compare(a.turn, b.turn)) })
		for i := 0; i < len(refs); {
			n := refs[i].sugg
			var cu convUse
			for i < len(refs) && refs[i].sugg == n {
				var s showing
				turn := refs[i].turn
				for ; i < len(refs) && refs[i].sugg == n && refs[i].turn == turn; i++ {
					s.add(&in.Events[refs[i].event])
				}
				if s.shown { // only what an agent's panel showed counts
					figs[n].count(s)
					cu.add(s)
				}
			}
			if cu.shown {
				after[n].count(cu, signals[conv])
			}
		}
	}

	out := make([]SuggestionFigures, 0, len(figs))
	for n, f := range figs {
		if f.Shown == 0 {
			continue // used or dismissed, never shown to an agent
		}
		f.After = make(map[Signal]Comparison, len(Signals))
		for sig, c := range after[n] {
			f.After[Signals[sig]] = c
		}
		out = append(out, f)
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
