package review

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

// The hand-computed shop: a week in Asia/Shanghai, Monday 2026-11-23 to
// Sunday 2026-11-29 (ISO week 48), and the Monday after (week 49).
//
//	c1 小美  Sun 23:59:30 buyer, 23:59:50 buyer, Mon 00:00:40 小美 (70 s, across midnight and the week),
//	         Mon 00:05:00 buyer, 00:05:20 小美 (20 s, a run of week 49); paid pay-1 128.50 at 00:10, posted twice
//	c2 小美  Wed 10:00:00 buyer, 10:00:30 小美 (30 s); 10:01:00 buyer, 10:01:10 buyer, 10:02:00 小美 (60 s)
//	c3 小美  Thu 15:00:00 buyer routed to 小美, 15:03:00 buyer; never answered
//	c4 阿强  Tue 09:00:00 阿强 greets first, 09:01:00 buyer, 09:03:00 阿强 (120 s); refund asked 09:01:30,
//	         paid pay-4 59.00 at 09:30, dispute opened 10:00 and won 12:00
//	c5       Fri 20:00:00 buyer, routed to no one, never answered
var (
	shanghai = mustLoad("Asia/Shanghai")
	day      = func(d, h, m, s int) time.Time { return time.Date(2026, 11, d, h, m, s, 0, shanghai) }
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func shop() Input {
	turns := []Turn{
		// Out of order on purpose: the functions sort by index.
		{"c1", 2, Agent, day(30, 0, 0, 40), "小美"},
		{"c1", 0, Buyer, day(29, 23, 59, 30), ""},
		{"c1", 1, Buyer, day(29, 23, 59, 50), ""},
		{"c1", 3, Buyer, day(30, 0, 5, 0), ""},
		{"c1", 4, Agent, day(30, 0, 5, 20), "小美"},

		{"c2", 0, Buyer, day(25, 10, 0, 0), ""},
		{"c2", 1, Agent, day(25, 10, 0, 30), "小美"},
		{"c2", 2, Buyer, day(25, 10, 1, 0), ""},
		{"c2", 3, Buyer, day(25, 10, 1, 10), ""},
		{"c2", 4, Agent, day(25, 10, 2, 0), "小美"},

		{"c3", 0, Buyer, day(26, 15, 0, 0), "小美"},
		{"c3", 1, Buyer, day(26, 15, 3, 0), "小美"},

		{"c4", 0, Agent, day(24, 9, 0, 0), "阿强"},
		{"c4", 1, Buyer, day(24, 9, 1, 0), ""},
		{"c4", 2, Agent, day(24, 9, 3, 0), "阿强"},

		{"c5", 0, Buyer, day(27, 20, 0, 0), ""},
	}
	ev := func(conv string, turn int, agent, kind, id string, a kb.Action, at time.Time) Event {
		return Event{Conversation: conv, Turn: turn, Agent: agent, Kind: kind, SuggestionID: id, Action: a, At: at}
	}
	typed := func(e Event, edited bool) Event { e.Typed, e.Edited = true, edited; return e }
	const phrase, nudge, rule = kb.SuggestionPhrase, kb.SuggestionNudge, kb.SuggestionRule
	events := []Event{
		// upsell-socks: clicked in c1 (and also found in the text sent), typed with edits in c2,
		// dismissed later in c2, ignored in c4; a manager's panel in c3 is not counted.
		ev("c1", 1, "小美", phrase, "upsell-socks", kb.ActionShown, day(29, 23, 59, 51)),
		ev("c1", 1, "小美", phrase, "upsell-socks", kb.ActionUsed, day(30, 0, 0, 35)),
		typed(ev("c1", 1, "小美", phrase, "upsell-socks", kb.ActionUsed, day(30, 0, 0, 40)), false),
		ev("c2", 0, "小美", phrase, "upsell-socks", kb.ActionShown, day(25, 10, 0, 1)),
		typed(ev("c2", 0, "小美", phrase, "upsell-socks", kb.ActionUsed, day(25, 10, 0, 30)), true),
		ev("c2", 3, "小美", phrase, "upsell-socks", kb.ActionShown, day(25, 10, 1, 11)),
		ev("c2", 3, "小美", phrase, "upsell-socks", kb.ActionDismissed, day(25, 10, 1, 20)),
		ev("c4", 1, "阿强", phrase, "upsell-socks", kb.ActionShown, day(24, 9, 1, 1)),
		ev("c3", 0, "王经理", phrase, "upsell-socks", kb.ActionShown, day(26, 15, 0, 1)),
		ev("c3", 0, "王经理", phrase, "upsell-socks", kb.ActionUsed, day(26, 15, 0, 9)),

		// evidence:missing: followed in c4 (a dispute later won), shown and ignored in c2.
		ev("c4", 1, "阿强", nudge, "evidence:missing", kb.ActionShown, day(24, 9, 1, 1)),
		ev("c4", 1, "阿强", nudge, "evidence:missing", kb.ActionUsed, day(24, 9, 2, 0)),
		ev("c2", 2, "小美", nudge, "evidence:missing", kb.ActionShown, day(25, 10, 1, 1)),

		// A rule only a manager's panel showed.
		ev("c3", 0, "王经理", rule, "r-7", kb.ActionShown, day(26, 15, 0, 1)),
	}
	outcome := func(id, conv string, k kb.OutcomeKind, at time.Time) kb.Outcome {
		return kb.Outcome{ID: id, Conversation: conv, Kind: k, At: at, Order: "o-" + conv}
	}
	pay1 := outcome("pay-1", "c1", kb.OutcomeOrderPaid, day(30, 0, 10, 0))
	pay1.Amount = 12850
	pay4 := outcome("pay-4", "c4", kb.OutcomeOrderPaid, day(24, 9, 30, 0))
	pay4.Amount = 5900
	won := outcome("d-4:ruling", "c4", kb.OutcomeDisputeResolved, day(24, 12, 0, 0))
	won.Result = kb.ResultSellerWon
	outcomes := []kb.Outcome{
		pay1, pay1, // a retried post
		outcome("r-4", "c4", kb.OutcomeRefundRequested, day(24, 9, 1, 30)),
		pay4,
		outcome("d-4", "c4", kb.OutcomeDisputeOpened, day(24, 10, 0, 0)),
		won,
	}
	return Input{Turns: turns, Events: events, Outcomes: outcomes}
}

func isAgent(name string) bool { return name != "王经理" }

func TestAgents(t *testing.T) {
	got := Agents(shop(), Options{Location: shanghai, IsAgent: isAgent})
	want := []AgentWeek{
		{Agent: Unassigned, Week: "2026-W48", Consultations: 1},
		{Agent: "小美", Week: "2026-W48", Consultations: 3, Replied: 2, Converted: 1, PaidOrders: 1, PaidAmount: 12850,
			Responses: 3, ResponseTotal: 160 * time.Second, FirstResponses: 2, FirstTotal: 100 * time.Second},
		{Agent: "阿强", Week: "2026-W48", Consultations: 1, Replied: 1, Converted: 1, PaidOrders: 1, PaidAmount: 5900,
			Responses: 1, ResponseTotal: 120 * time.Second, FirstResponses: 1, FirstTotal: 120 * time.Second},
		{Agent: "小美", Week: "2026-W49", Responses: 1, ResponseTotal: 20 * time.Second},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Agents:\n got %s\nwant %s", show(got), show(want))
	}

	// The figures a manager reads.
	for _, tc := range []struct {
		name               string
		row                AgentWeek
		reply, conversion  float64
		average, firstResp time.Duration
	}{
		{"no reply and no agent", got[0], 0, 0, 0, 0},
		{"小美: across midnight, a conversation never answered, an order posted twice", got[1], 2.0 / 3, 1.0 / 3,
			160 * time.Second / 3, 50 * time.Second},
		{"阿强: a greeting before the buyer spoke is no response", got[2], 1, 1, 120 * time.Second, 120 * time.Second},
		{"小美 the week after: a run, no consultation", got[3], 0, 0, 20 * time.Second, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := tc.row.ReplyRate(); r != tc.reply {
				t.Errorf("回复率 %.4f, want %.4f", r, tc.reply)
			}
			if r := tc.row.ConversionRate(); r != tc.conversion {
				t.Errorf("咨询转化率 %.4f, want %.4f", r, tc.conversion)
			}
			if d := tc.row.AverageResponse(); d != tc.average {
				t.Errorf("均响 %v, want %v", d, tc.average)
			}
			if d := tc.row.AverageFirstResponse(); d != tc.firstResp {
				t.Errorf("首响 %v, want %v", d, tc.firstResp)
			}
		})
	}
}

func TestSuggestions(t *testing.T) {
	got := Suggestions(shop(), Options{Location: shanghai, IsAgent: isAgent})
	after := func(set map[Signal]Comparison) map[Signal]Comparison {
		out := map[Signal]Comparison{}
		for _, s := range Signals {
			out[s] = set[s]
		}
		return out
	}
	want := []SuggestionFigures{
		{Kind: kb.SuggestionNudge, SuggestionID: "evidence:missing", Shown: 2, Used: 1,
			After: after(map[Signal]Comparison{
				SignalOrderPaid:       {Used: 1, UsedWith: 1, Unused: 1},
				SignalOrderCancelled:  {Used: 1, Unused: 1},
				SignalRefundRequested: {Used: 1, Unused: 1}, // asked before the nudge was followed
				SignalDisputeOpened:   {Used: 1, UsedWith: 1, Unused: 1},
				SignalDisputeWon:      {Used: 1, UsedWith: 1, Unused: 1},
				SignalDisputeLost:     {Used: 1, Unused: 1},
				SignalGoodReview:      {Used: 1, Unused: 1},
				SignalBadReview:       {Used: 1, Unused: 1},
			})},
		{Kind: kb.SuggestionPhrase, SuggestionID: "upsell-socks", Shown: 4, Used: 2, Typed: 1, Edited: 1, Dismissed: 1,
			After: after(map[Signal]Comparison{
				SignalOrderPaid:       {Used: 2, UsedWith: 1, Unused: 1, UnusedWith: 1},
				SignalOrderCancelled:  {Used: 2, Unused: 1},
				SignalRefundRequested: {Used: 2, Unused: 1, UnusedWith: 1},
				SignalDisputeOpened:   {Used: 2, Unused: 1, UnusedWith: 1},
				SignalDisputeWon:      {Used: 2, Unused: 1, UnusedWith: 1},
				SignalDisputeLost:     {Used: 2, Unused: 1},
				SignalGoodReview:      {Used: 2, Unused: 1},
				SignalBadReview:       {Used: 2, Unused: 1},
			})},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Suggestions:\n got %s\nwant %s", show(got), show(want))
	}
	if r := got[1].UseRate(); r != 0.5 {
		t.Errorf("upsell-socks use rate %.2f, want 0.50", r)
	}
	if c := got[1].After[SignalOrderPaid]; c.UsedRate() != 0.5 || c.UnusedRate() != 1 {
		t.Errorf("orders after upsell-socks: used %.2f, unused %.2f; want 0.50 and 1.00", c.UsedRate(), c.UnusedRate())
	}

	// Counting everyone (no predicate) lets the manager's panel in: c3 becomes
	// a fourth conversation, shown and used, and r-7 appears.
	all := Suggestions(shop(), Options{Location: shanghai})
	if len(all) != 3 || all[1].Shown != 5 || all[1].Used != 3 || all[2].SuggestionID != "r-7" {
		t.Errorf("without IsAgent: %s", show(all))
	}
}

func TestWeek(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{day(29, 23, 59, 59), "2026-W48"},
		{day(30, 0, 0, 0), "2026-W49"},
		{time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC), "2026-W49"}, // Monday 00:00 in Shanghai
		{time.Date(2027, 1, 1, 12, 0, 0, 0, shanghai), "2026-W53"},
		{time.Date(2025, 12, 29, 12, 0, 0, 0, shanghai), "2026-W01"},
	} {
		if got := Week(tc.at, shanghai); got != tc.want {
			t.Errorf("Week(%v) = %s, want %s", tc.at, got, tc.want)
		}
	}
}

func show[T any](rows []T) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "\n  %+v", r)
	}
	return b.String()
}

// ShownEventsOf is FromKB(kb.ShowEvents(…)) of each show, in order: the
// shown events a store's shows stand for, written without the copies.
func TestShownEventsOfIsTheShowsEvents(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	members := map[int][]kb.SetMember{
		0: {{Kind: kb.SuggestionPhrase, ID: "p1"}, {Kind: kb.SuggestionProduct, ID: "sku-1"}},
		2: {{Kind: kb.SuggestionNudge, ID: "evidence.missing"}},
		3: {},
	}
	shows := []kb.Show{
		{Shop: 7, Conversation: "c1", Turn: 0, Agent: "a", At: at},
		{Shop: 7, Conversation: "c1", Turn: 1, Agent: "a", At: at}, // its set is not known: nothing
		{Shop: 7, Conversation: "c1", Turn: 2, Agent: "b", At: at.Add(time.Minute)},
		{Shop: 7, Conversation: "c2", Turn: 0, Agent: "b", At: at.Add(2 * time.Minute)},
		{Shop: 7, Conversation: "c2", Turn: 3, Agent: "b", At: at},
	}
	var want []Event
	for _, s := range shows {
		want = append(want, FromKB(kb.ShowEvents(s, members[s.Turn]))...)
	}
	if got := ShownEventsOf(shows, members); !reflect.DeepEqual(got, want) || len(got) != 5 {
		t.Errorf("ShownEventsOf = %+v\nwant %+v", got, want)
	}
	if got := ShownEventsOf(shows[1:2], members); got != nil {
		t.Errorf("shows of no known set: %+v, want nil as before", got)
	}
}
