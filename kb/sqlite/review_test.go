package sqlite

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/review"
)

var cst = time.FixedZone("CST", 8*3600)

func at(day, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", day+" "+clock, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// reviewFixture is a small week whose figures are computed by hand in
// TestReviewFigures.
func reviewFixture(t *testing.T) *DB {
	t.Helper()
	db := openWithShop(t)
	ctx := context.Background()
	boss, err := db.CreateUser(ctx, "boss", "a-long-password", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, boss.ID, 1, kb.RoleManager); err != nil {
		t.Fatal(err)
	}
	turn := func(conv string, i int, role, who, text string, when time.Time, nudges ...string) {
		t.Helper()
		type nudge struct {
			Kind     string `json:"kind"`
			Category string `json:"category,omitempty"`
		}
		set := struct {
			Conversation string  `json:"conversation"`
			Turn         int     `json:"turn"`
			Product      string  `json:"product"`
			Nudges       []nudge `json:"nudges"`
		}{conv, i, "p1", []nudge{}}
		for _, n := range nudges {
			k, c, _ := cutColon(n)
			set.Nudges = append(set.Nudges, nudge{k, c})
		}
		data, _ := json.Marshal(set)
		if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: 1, Conversation: conv, Index: i, Role: role, Text: text,
			At: when, PostedBy: who, Suggestions: data}); err != nil {
			t.Fatal(err)
		}
	}
	// c1: bargaining at 23:59, answered at 00:01 with a plain discount; paid.
	turn("c1", 0, "buyer", "token:qn", "能便宜点吗", at("2026-11-23", "23:59:00"), "upsell:bargain")
	turn("c1", 1, "agent", "xiaoli", "亲,您好,给您便宜10元", at("2026-11-24", "00:01:00"))
	turn("c1", 2, "buyer", "token:qn", "好的拍了", at("2026-11-24", "00:05:00"))
	turn("c1", 3, "agent", "xiaoli", "感谢支持", at("2026-11-24", "00:06:00"))
	// c2: never answered.
	turn("c2", 0, "buyer", "token:qn", "在吗", at("2026-11-25", "10:00:00"))
	// c3: next week; a promise the shop cannot keep and an absolute word, no closing.
	turn("c3", 0, "buyer", "token:qn", "什么时候发货", at("2026-11-30", "09:00:00"))
	turn("c3", 1, "agent", "xiaowang", "亲在的,今天一定发,最好的茶", at("2026-11-30", "09:00:30"), "shipping_promise:ship", "wording")

	ev := func(conv string, turn int, who, kind, id string, a kb.Action, when time.Time) kb.Event {
		return kb.Event{Shop: 1, Conversation: conv, Turn: turn, Agent: who, Kind: kind, SuggestionID: id, Action: a, At: when}
	}
	typed := ev("c1", 0, "xiaoli", "phrase", "h1", kb.ActionUsed, at("2026-11-24", "00:01:00"))
	typed.Typed, typed.Edited = true, true
	if err := db.AddEvents(ctx,
		ev("c1", 0, "xiaoli", "phrase", "h1", kb.ActionShown, at("2026-11-23", "23:59:01")),
		ev("c1", 0, "boss", "phrase", "h1", kb.ActionShown, at("2026-11-23", "23:59:01")),
		ev("c1", 0, "boss", "phrase", "h9", kb.ActionShown, at("2026-11-23", "23:59:01")), // only a manager saw it
		ev("c1", 0, "xiaoli", "rule", "r1", kb.ActionShown, at("2026-11-23", "23:59:01")),
		ev("c1", 0, "xiaoli", "rule", "r1", kb.ActionDismissed, at("2026-11-23", "23:59:30")),
		typed,
		ev("c2", 0, "xiaoli", "phrase", "h1", kb.ActionShown, at("2026-11-25", "10:00:01")),
	); err != nil {
		t.Fatal(err)
	}
	paid := &kb.Outcome{ID: "pay-1", Conversation: "c1", Kind: kb.OutcomeOrderPaid, At: at("2026-11-24", "00:10:00"),
		Order: "o1", Amount: 16800, Items: []kb.OrderItem{{Product: "p1", Quantity: 1}}}
	for i, want := range []bool{true, false} { // posted twice: a retry
		created, err := db.AddOutcome(ctx, 1, paid)
		if err != nil || created != want {
			t.Fatalf("post %d: created %v, %v; want %v", i+1, created, err, want)
		}
	}
	changed := *paid
	changed.Amount = 100
	if _, err := db.AddOutcome(ctx, 1, &changed); kb.ErrorCode(err) != kb.EConflict {
		t.Fatalf("a different body under the same id: %v, want conflict", err)
	}
	return db
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func TestReviewFigures(t *testing.T) {
	db := reviewFixture(t)
	ctx := context.Background()
	if n, err := db.RefreshReview(ctx, 1); err != nil || n != 3 {
		t.Fatalf("refresh: %d, %v; want 3 conversations", n, err)
	}
	if n, err := db.RefreshReview(ctx, 1); err != nil || n != 0 {
		t.Fatalf("second refresh: %d, %v; want nothing to do", n, err)
	}

	agents, err := db.ReviewAgents(ctx, 1, review.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	type fig struct {
		agent, week                                string
		cons, replied, converted, paid             int
		amount                                     kb.Money
		avg, first                                 time.Duration
		checked, score, promise, wording, discount int
	}
	want := []fig{
		{review.Unassigned, "2026-W48", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		// responses of 2 min (23:59 → 00:01, across midnight) and 1 min.
		{"xiaoli", "2026-W48", 1, 1, 1, 1, 16800, 90 * time.Second, 2 * time.Minute, 1, 85, 0, 0, 1},
		{"xiaowang", "2026-W49", 1, 1, 0, 0, 0, 30 * time.Second, 30 * time.Second, 1, 45, 1, 1, 0},
	}
	if len(agents) != len(want) {
		t.Fatalf("agents = %+v, want %d rows", agents, len(want))
	}
	for i, w := range want {
		a := agents[i]
		got := fig{a.Agent, a.Week, a.Consultations, a.Replied, a.Converted, a.PaidOrders, a.PaidAmount,
			a.AverageResponse(), a.AverageFirstResponse(), a.Checked, a.ScoreSum, a.Promise, a.Wording, a.Discount}
		if got != w {
			t.Errorf("row %d = %+v\n want %+v", i, got, w)
		}
	}

	only, err := db.ReviewAgents(ctx, 1, review.Filter{From: "2026-11-30", To: "2026-12-06"})
	if err != nil || len(only) != 1 || only[0].Agent != "xiaowang" {
		t.Errorf("week of 11-30 = %+v, %v; want xiaowang only", only, err)
	}
	unreplied, err := db.ReviewConversations(ctx, 1, review.Filter{}, "", review.FigureUnreplied, 10)
	if err != nil || len(unreplied) != 1 || unreplied[0].Conversation != "c2" {
		t.Errorf("unreplied = %+v, %v; want c2", unreplied, err)
	}
	discount, err := db.ReviewConversations(ctx, 1, review.Filter{Agent: "xiaoli"}, "2026-W48", review.FigureDiscount, 10)
	if err != nil || len(discount) != 1 || discount[0].Conversation != "c1" || discount[0].FirstResponse != 2*time.Minute {
		t.Errorf("discount = %+v, %v; want c1 with a first response of 2 min", discount, err)
	}

	sugg, trend, err := db.ReviewSuggestions(ctx, 1, review.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sugg) != 2 {
		t.Fatalf("suggestions = %+v, want h1 and r1 (h9 was seen by a manager only)", sugg)
	}
	h1, r1 := sugg[0], sugg[1]
	if h1.SuggestionID != "h1" || h1.Shown != 2 || h1.Used != 1 || h1.Typed != 1 || h1.Edited != 1 || h1.Dismissed != 0 || h1.Title != "套餐" {
		t.Errorf("h1 = %+v", h1)
	}
	if c := h1.After[review.SignalOrderPaid]; c != (review.Comparison{Used: 1, UsedWith: 1, Unused: 1, UnusedWith: 0}) {
		t.Errorf("h1 paid after use = %+v, want 1 of 1 used, 0 of 1 unused", c)
	}
	if r1.SuggestionID != "r1" || r1.Shown != 1 || r1.Used != 0 || r1.Dismissed != 1 {
		t.Errorf("r1 = %+v", r1)
	}
	if len(trend) != 2 || trend[0].Period != "2026-11-23" || trend[0].Shown != 2 || trend[1].Period != "2026-11-25" {
		t.Errorf("trend = %+v, want 11-23 (2 shown) and 11-25", trend)
	}
	byProduct, _, err := db.ReviewSuggestions(ctx, 1, review.Filter{Product: "p1"})
	if err != nil || len(byProduct) != 2 || byProduct[0].Shown != 2 || byProduct[0].After[review.SignalOrderPaid].UsedWith != 1 {
		t.Errorf("by product = %+v, %v; want the same figures", byProduct, err)
	}

	// A later write marks its conversation: the next refresh redoes only it.
	if _, err := db.AddOutcome(ctx, 1, &kb.Outcome{ID: "pay-2", Conversation: "c3", Kind: kb.OutcomeOrderPaid,
		At: at("2026-11-30", "09:30:00"), Order: "o2", Amount: 4500, Items: []kb.OrderItem{{Product: "p2", Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.RefreshReview(ctx, 1); err != nil || n != 1 {
		t.Fatalf("refresh after an outcome: %d, %v; want 1", n, err)
	}
	agents, _ = db.ReviewAgents(ctx, 1, review.Filter{Agent: "xiaowang"})
	if len(agents) != 1 || agents[0].Converted != 1 || agents[0].PaidAmount != 4500 {
		t.Errorf("xiaowang after the order = %+v", agents)
	}
}
