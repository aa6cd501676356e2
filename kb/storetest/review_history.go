package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/review"
)

// GrowReviewHistory writes a random history into shop and refreshes the
// review after each of its 12 rounds (then calls afterRefresh, if any), as
// the background refresh meets a shop's chats going on: 130 conversations
// (more than two chunks) gain turns from a second agent, cross into the
// next week, get outcomes, typed uses, pushes to the panels (shows) and the
// views of a manager ("boss", made one here) between refreshes. A store's
// test compares the rollups so kept up by differences with those rolled up
// from scratch (ReviewPages).
func GrowReviewHistory(t testing.TB, db ReviewStore, shop int64, afterRefresh func()) {
	t.Helper()
	ctx := context.Background()
	boss, err := db.CreateUser(ctx, "boss", "a-long-password", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, boss.ID, shop, kb.RoleManager); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	const convs = 130 // more than two chunks
	turns := make([]int, convs)
	clock := make([]time.Time, convs)
	for c := range convs {
		clock[c] = at("2026-11-27", "20:00:00").Add(time.Duration(rng.IntN(3*24*3600)) * time.Second)
	}
	agents := []string{"xiaoli", "xiaowang", "boss"}
	texts := []string{"亲,您好,给您便宜10元", "今天一定发", "感谢支持", "这款可以的"}
	nudges := []string{`[]`, `[{"kind":"upsell","category":"bargain"}]`, `[{"kind":"shipping_promise","category":"ship"}]`}
	step := func() {
		t.Helper()
		c := rng.IntN(convs)
		conv := fmt.Sprintf("k%03d", c)
		clock[c] = clock[c].Add(time.Duration(30+rng.IntN(4*3600)) * time.Second)
		if turns[c] > 0 && rng.IntN(4) == 0 { // the last turn's set pushed to a panel
			show := kb.Show{Shop: shop, Conversation: conv, Turn: turns[c] - 1, Agent: agents[rng.IntN(3)], At: clock[c],
				Members: []kb.SetMember{{Kind: kb.SuggestionNudge, ID: "upsell:bargain"}}}
			if err := db.AddShows(ctx, show); err != nil {
				t.Fatal(err)
			}
		}
		switch rng.IntN(6) {
		case 0, 1, 2: // a turn, the buyer's first
			role, who := "buyer", "token:qn"
			if turns[c] > 0 && rng.IntN(2) == 0 {
				role, who = "agent", agents[rng.IntN(2)]
			}
			sugg := `{"product":"p` + fmt.Sprint(c%3) + `","nudges":` + nudges[rng.IntN(len(nudges))] + `}`
			if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: conv, Index: turns[c], Role: role,
				Text: texts[rng.IntN(len(texts))], At: clock[c], PostedBy: who, Suggestions: []byte(sugg)}); err != nil {
				t.Fatal(err)
			}
			turns[c]++
		case 3, 4: // suggestions shown, now and then used (typed) or dismissed
			who := agents[rng.IntN(3)]
			id := fmt.Sprintf("h%d", 1+rng.IntN(3))
			evs := []kb.Event{{Shop: shop, Conversation: conv, Turn: max(turns[c]-1, 0), Agent: who, Kind: "phrase", SuggestionID: id, Action: kb.ActionShown, At: clock[c]}}
			switch rng.IntN(3) {
			case 0:
				evs = append(evs, kb.Event{Shop: shop, Conversation: conv, Turn: max(turns[c]-1, 0), Agent: who, Kind: "phrase", SuggestionID: id,
					Action: kb.ActionUsed, At: clock[c].Add(time.Second), Typed: rng.IntN(2) == 0})
			case 1:
				evs = append(evs, kb.Event{Shop: shop, Conversation: conv, Turn: max(turns[c]-1, 0), Agent: who, Kind: "nudge", SuggestionID: "upsell:bargain",
					Action: kb.ActionDismissed, At: clock[c].Add(time.Second)})
			}
			if err := db.AddEvents(ctx, evs...); err != nil {
				t.Fatal(err)
			}
		case 5: // an outcome
			o := &kb.Outcome{ID: fmt.Sprintf("o%d", rng.Int()), Conversation: conv, At: clock[c], Order: "o-" + conv}
			switch rng.IntN(3) {
			case 0:
				o.Kind, o.Amount, o.Items = kb.OutcomeOrderPaid, kb.Money(100+rng.IntN(10000)), []kb.OrderItem{{Product: "p1", Quantity: 1}}
			case 1:
				o.Kind = kb.OutcomeOrderCancelled
			case 2:
				o.Kind, o.Rating = kb.OutcomeReviewLeft, []kb.Rating{kb.RatingGood, kb.RatingBad}[rng.IntN(2)]
			}
			if _, err := db.AddOutcome(ctx, shop, o); err != nil {
				t.Fatal(err)
			}
		}
	}
	for round := range 12 {
		for range 40 + round*10 {
			step()
		}
		if _, err := db.RefreshReview(ctx, shop); err != nil {
			t.Fatal(err)
		}
		if afterRefresh != nil {
			afterRefresh()
		}
	}

}

// ReviewPages is what each page shows under a few filters, printed, in a
// fixed order: the same history must print the same.
func ReviewPages(t testing.TB, db ReviewStore, shop int64) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, f := range reviewPageFilters {
		a, err := db.ReviewAgents(ctx, shop, f)
		if err != nil {
			t.Fatal(err)
		}
		s, trend, err := db.ReviewSuggestions(ctx, shop, f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.ReviewConversations(ctx, shop, f, "", review.FigureAll, 1000)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%+v", a), fmt.Sprintf("%+v", s), fmt.Sprintf("%+v", trend), fmt.Sprintf("%+v", c))
	}
	return out
}

var reviewPageFilters = []review.Filter{{}, {Agent: "xiaoli"}, {Product: "p1"}, {From: "2026-11-30", To: "2026-12-06"}, {Scene: "upsell"}}

// ComparePages reports each page of fresh that differs from kept.
func ComparePages(t testing.TB, kept, fresh []string) {
	t.Helper()
	if len(kept) < 2 || !strings.Contains(kept[0], "xiaowang") || !strings.Contains(kept[1], "h2") {
		t.Fatalf("the generated history has too little in it: %v", kept)
	}
	for i := range kept {
		if fresh[i] != kept[i] {
			t.Errorf("page %d (filter %+v), kept up by differences:\n%s\nrolled up from scratch:\n%s", i%4, reviewPageFilters[i/4], kept[i], fresh[i])
		}
	}
}
