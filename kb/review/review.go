// Package review computes the figures of the managers' review from plain
// slices of turns, suggestion events and outcomes. It knows no store: the
// caller loads one shop's rows for a date range and passes them in, so the
// same functions serve a page, a CSV export and a test on hand-computed data.
//
// # Agents: the 考核 figures, per agent per ISO week
//
// The definitions follow the 客服考核 tables managers of this trade use
// (平均响应时长, 回复率, 咨询转化率), made exact:
//
//   - A buyer run is one or more buyer turns in a row; it is answered by the
//     next agent turn of the conversation. Its response time is the time from
//     the run's first buyer turn to that reply. Times are instants, so a run
//     at 23:59 answered at 00:01 took two minutes whatever the date says.
//   - 均响 (average response time) of an agent for a week is the mean response
//     time of the runs that agent answered, each run in the week of its first
//     buyer turn. Unanswered runs have no response time; they lower 回复率.
//   - 首响 (first response time) is the same for the first run of each
//     conversation only: how long a buyer who opens a chat waits.
//   - A consultation (咨询) is a conversation with at least one buyer turn, in
//     the week of its first buyer turn, and belongs to the agent who first
//     answered it; unanswered, to the agent its buyer turns were routed to
//     (Turn.Agent on a buyer turn), else to Unassigned.
//   - 回复率 (reply rate) = consultations with at least one agent reply after a
//     buyer turn / consultations.
//   - 咨询转化率 (consultation conversion) = consultations followed by an
//     order_paid outcome (at or after their first buyer turn) / consultations.
//     The seed table counts paid orders over consultations; PaidOrders and
//     PaidAmount carry that count and sum, so both readings are at hand.
//     Outcomes are counted once per platform id, however often they were posted.
//
// # Suggestions: which worked
//
// A suggestion is a kind and an id (a phrase id, a nudge kind such as
// "upsell" or "evidence:missing", a rule id, a product id). Only what agents'
// panels showed counts: events of people Options.IsAgent refuses (managers,
// admins watching a panel) are dropped before anything is counted.
//
//   - Shown: the turns whose suggestion set showed it to an agent (one per
//     conversation and turn, however many panels showed it).
//   - Used: of those, the ones an agent used, by a click or by typing the
//     phrase (Event.Typed, decided by phrases/usage). Used rate = Used / Shown.
//   - Edited: of the used, the ones sent with changes (Event.Edited).
//   - Dismissed: of the shown, the ones an agent closed and did not use.
//   - After use / after no use: per outcome signal (order paid, refund
//     requested, dispute opened, dispute won or lost, good or bad review), the
//     conversations where the suggestion was used and those where it was shown
//     but never used, each with how many had that outcome at or after the first
//     use (or the first showing, when never used). The counts are given so a
//     reader sees when a difference is noise.
//
// # Cost
//
// Both functions are linear in their input but hold it all in memory:
// BenchmarkReview measures a month of a large shop (100,000 conversations,
// 1.2 million events). That is seconds, not the 300 ms a page may take, so a
// page over such a range reads rollups; these functions compute the rollup
// rows (a day or a week at a time) and the small ranges a filter leaves.
package review

import (
	"time"

	"assist/kb"
)

// Roles of a turn.
const (
	Buyer = "buyer"
	Agent = "agent"
)

// Unassigned is the agent of a consultation no agent answered and none was routed to.
const Unassigned = "(未分配)"

// Turn is one message of a conversation.
type Turn struct {
	Conversation string
	Index        int
	Role         string // Buyer or Agent
	At           time.Time
	Agent        string // who sent it (agent turns), or whom it was routed to (buyer turns), if known
}

// Event is what a person's panel showed or what the person did with one
// suggestion. Turn is the turn whose suggestion set offered it.
type Event struct {
	Conversation string
	Turn         int
	Agent        string // the person whose panel it was
	Kind         string // kb.SuggestionPhrase, kb.SuggestionNudge, …
	SuggestionID string
	Action       kb.Action
	Typed        bool // a use found in the agent's text, not clicked
	Edited       bool // a use sent with changes
	At           time.Time
}

// FromKB turns the store's events into review events.
func FromKB(events []kb.Event) []Event {
	out := make([]Event, len(events))
	for i, e := range events {
		out[i] = Event{Conversation: e.Conversation, Turn: e.Turn, Agent: e.Agent, Kind: e.Kind,
			SuggestionID: e.SuggestionID, Action: e.Action, At: e.At}
	}
	return out
}

// Input is everything the figures are computed from: one shop's rows.
type Input struct {
	Turns    []Turn
	Events   []Event
	Outcomes []kb.Outcome
}

// Options says how to read the input.
type Options struct {
	// Location is the shop's time zone, which decides where weeks start;
	// nil means Asia/Shanghai.
	Location *time.Location
	// IsAgent reports whether a person's events count: true for agents,
	// false for managers and admins. Nil counts everyone.
	IsAgent func(name string) bool
}

func (o Options) location() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// Week names the ISO week of t in loc, such as "2026-W48".
func Week(t time.Time, loc *time.Location) string {
	y, w := t.In(loc).ISOWeek()
	return isoWeek(y, w)
}

func isoWeek(y, w int) string {
	b := []byte("0000-W00")
	for i, n := 3, y; i >= 0; i, n = i-1, n/10 {
		b[i] = byte('0' + n%10)
	}
	b[6], b[7] = byte('0'+w/10), byte('0'+w%10)
	return string(b)
}

// uniqueOutcomes keeps the first outcome of each platform id.
func uniqueOutcomes(all []kb.Outcome) []kb.Outcome {
	seen := make(map[string]bool, len(all))
	out := make([]kb.Outcome, 0, len(all))
	for _, o := range all {
		if seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		out = append(out, o)
	}
	return out
}

// ratio is a / b, 0 when b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
