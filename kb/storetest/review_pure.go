package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/review"
)

// testReviewMatchesPure writes a few hundred random conversations (several
// refresh chunks; replies across midnight and weeks, agents taking over,
// a manager watching, typed and edited uses, outcomes of every kind, some
// posted twice; the sets pushed to panels recorded some as shows, some as
// shown events) and checks that the pages' figures read from the store's
// rollups are kb/review's figures over the same records: every store
// answers with the pure functions' numbers.
func testReviewMatchesPure(t *testing.T, f Factory) {
	ctx := context.Background()
	db := reviewStore(t, f)
	info, err := db.ImportShop(ctx, reviewShop("随机茶铺"))
	must(t, "import", err)
	shop := info.ID
	boss, err := db.CreateUser(ctx, "boss", "a-long-password", false)
	must(t, "user", err)
	must(t, "grant", db.Grant(ctx, boss.ID, shop, kb.RoleManager))

	rng := rand.New(rand.NewPCG(11, 7))
	first := at("2026-11-20", "20:00:00")
	agents := []string{"xiaoli", "xiaowang", "xiaozhang"}
	sids := []struct{ kind, id string }{{kb.SuggestionPhrase, "h1"}, {kb.SuggestionPhrase, "h2"}, {kb.SuggestionRule, "r1"},
		{kb.SuggestionNudge, "upsell:bargain"}, {kb.SuggestionNudge, "evidence:damaged"}, {kb.SuggestionProduct, "p1"}}
	var in review.Input
	pushes := 0
	for c := range 130 {
		conv := fmt.Sprintf("r%03d", c)
		when := first.Add(time.Duration(rng.IntN(14*24*3600)) * time.Second)
		agent := agents[rng.IntN(len(agents))]
		turns := 1 + rng.IntN(6)
		for i := range turns {
			role, who := "buyer", "token:qn"
			if i > 0 && rng.IntN(2) == 0 {
				role, who = "agent", agent
				if rng.IntN(8) == 0 {
					who = agents[rng.IntN(len(agents))] // a colleague takes over
				}
			}
			var members []string
			for _, s := range sids {
				if rng.IntN(3) == 0 {
					members = append(members, s.kind+":"+s.id)
				}
			}
			must(t, "turn", db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: conv, Index: i, Role: role, Text: "好的亲",
				At: when, PostedBy: who, Suggestions: fixtureSet(conv, i, members...)}))
			rt := review.Turn{Conversation: conv, Index: i, Role: role, At: when}
			if role == review.Agent {
				rt.Agent = who
			}
			in.Turns = append(in.Turns, rt)
			// The set is pushed to no panel, one or two (a manager's now
			// and then); each push recorded as a show or, as before
			// migration 013, as shown events.
			var evs []kb.Event
			for p := range rng.IntN(3) {
				viewer := agent
				if rng.IntN(6) == 0 {
					viewer = "boss"
				}
				pushes++
				shown := when.Add(time.Duration(1+p) * time.Second)
				recordShown(t, db, ShownMixed, rng.IntN(2), shop, conv, i, viewer, shown)
				for _, m := range members {
					kind, id, _ := strings.Cut(m, ":")
					in.Events = append(in.Events, review.Event{Conversation: conv, Turn: i, Agent: viewer, Kind: kind,
						SuggestionID: id, Action: kb.ActionShown, At: shown})
				}
				for _, m := range members {
					kind, id, _ := strings.Cut(m, ":")
					e := kb.Event{Shop: shop, Conversation: conv, Turn: i, Agent: viewer, Kind: kind, SuggestionID: id}
					switch rng.IntN(6) {
					case 0:
						e.Action, e.At = kb.ActionUsed, when.Add(time.Duration(5+rng.IntN(50))*time.Second)
						e.Typed = rng.IntN(3) == 0
						e.Edited = e.Typed && rng.IntN(2) == 0
						evs = append(evs, e)
					case 1:
						e.Action, e.At = kb.ActionDismissed, when.Add(3*time.Second)
						evs = append(evs, e)
					}
				}
			}
			if len(evs) > 0 {
				must(t, "events", db.AddEvents(ctx, evs...))
				for _, e := range evs {
					in.Events = append(in.Events, review.Event{Conversation: e.Conversation, Turn: e.Turn, Agent: e.Agent,
						Kind: e.Kind, SuggestionID: e.SuggestionID, Action: e.Action, Typed: e.Typed, Edited: e.Edited, At: e.At})
				}
			}
			when = when.Add(time.Duration(10+rng.IntN(3*3600)) * time.Second)
		}
		for k := range rng.IntN(3) {
			o := randomOutcome(rng, fmt.Sprintf("%s-o%d", conv, k), conv, when.Add(time.Duration(rng.IntN(7200)-3600)*time.Second))
			for range 1 + rng.IntN(2) { // a retry now and then
				_, err := db.AddOutcome(ctx, shop, o)
				must(t, "outcome", err)
			}
			in.Outcomes = append(in.Outcomes, *o)
		}
	}
	if pushes < 100 {
		t.Fatalf("only %d pushes: the fixture shows too little", pushes)
	}
	if n, err := db.RefreshReview(ctx, shop); err != nil || n != 130 {
		t.Fatalf("refresh: %d, %v; want 130 conversations", n, err)
	}
	opt := review.Options{Location: cst, IsAgent: func(name string) bool { return name != "boss" }}

	gotAgents, err := db.ReviewAgents(ctx, shop, review.Filter{})
	must(t, "agents", err)
	wantAgents := review.Agents(in, opt)
	if len(gotAgents) != len(wantAgents) {
		t.Fatalf("%d agent rows, the pure figures have %d:\n%+v\n%+v", len(gotAgents), len(wantAgents), gotAgents, wantAgents)
	}
	for i := range wantAgents {
		if gotAgents[i].AgentWeek != wantAgents[i] {
			t.Errorf("agent row %d = %+v\n the pure figures %+v", i, gotAgents[i].AgentWeek, wantAgents[i])
		}
	}

	gotSugg, _, err := db.ReviewSuggestions(ctx, shop, review.Filter{})
	must(t, "suggestions", err)
	wantSugg := review.Suggestions(in, opt)
	got := map[[2]string]review.SuggestionFigures{}
	for _, s := range gotSugg {
		got[[2]string{s.Kind, s.SuggestionID}] = s.SuggestionFigures
	}
	if len(got) != len(wantSugg) {
		t.Errorf("%d suggestions, the pure figures have %d", len(got), len(wantSugg))
	}
	for _, w := range wantSugg {
		if g := got[[2]string{w.Kind, w.SuggestionID}]; !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s = %+v\n the pure figures %+v", w.Kind, w.SuggestionID, g, w)
		}
	}
}

// randomOutcome is an outcome of a random kind, valid as the API takes it.
func randomOutcome(rng *rand.Rand, id, conv string, when time.Time) *kb.Outcome {
	o := &kb.Outcome{ID: id, Conversation: conv, At: when, Order: "o-" + conv}
	switch rng.IntN(6) {
	case 0, 1:
		o.Kind, o.Amount, o.Items = kb.OutcomeOrderPaid, kb.Money(100*(1+rng.IntN(300))), []kb.OrderItem{{Product: "p1", Quantity: 1}}
	case 2:
		o.Kind = kb.OutcomeOrderCancelled
	case 3:
		o.Kind, o.Amount, o.RefundType = kb.OutcomeRefundRequested, 4500, kb.RefundOnly
	case 4:
		o.Kind, o.Result = kb.OutcomeDisputeResolved, []string{kb.ResultSellerWon, kb.ResultBuyerWon}[rng.IntN(2)]
	default:
		o.Kind, o.Rating = kb.OutcomeReviewLeft, []kb.Rating{kb.RatingGood, kb.RatingBad, kb.RatingNeutral}[rng.IntN(3)]
	}
	return o
}
