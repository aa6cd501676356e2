package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"assist/kb"
)

func event(shop int64, conv string, turn int, id, kind string, a kb.Action, at time.Time) kb.Event {
	return kb.Event{Shop: shop, Conversation: conv, Turn: turn, Agent: "xiaoli", SuggestionID: id, Kind: kind, Action: a, At: at}
}

func testEvents(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)

	must(t, "no events", db.AddEvents(ctx))
	now := clk.now()
	want := []kb.Event{
		event(tea.ID, "c1", 0, "ph-hello", kb.SuggestionPhrase, kb.ActionShown, now),
		event(tea.ID, "c1", 0, "p-white", kb.SuggestionProduct, kb.ActionShown, now),
		event(tea.ID, "c1", 0, "ph-hello", kb.SuggestionPhrase, kb.ActionUsed, now.Add(time.Second)),
	}
	must(t, "add events", db.AddEvents(ctx, want...))
	must(t, "add an event in the other shop", db.AddEvents(ctx, event(phone.ID, "c1", 0, "x", kb.SuggestionRule, kb.ActionShown, now)))

	// One bad event refuses the whole batch.
	err = db.AddEvents(ctx, event(tea.ID, "c1", 1, "ph-ship", kb.SuggestionPhrase, kb.ActionShown, now),
		event(tea.ID, "c1", 1, "ph-ship", kb.SuggestionPhrase, "liked", now))
	wantCode(t, "an event with an unknown action", err, kb.EInvalid)
	err = db.AddEvents(ctx, event(tea.ID, "c1", 1, "ph-ship", "banner", kb.ActionShown, now))
	wantCode(t, "an event with an unknown kind", err, kb.EInvalid)

	got, err := db.Events(ctx, tea.ID, "c1")
	must(t, "read events", err)
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d (the refused batch left nothing)", len(got), len(want))
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) {
			t.Errorf("event %d at %v, want %v", i, got[i].At, want[i].At)
		}
		got[i].At = want[i].At
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events %+v, want %+v in the order recorded", got, want)
	}
	if got, _ := db.Events(ctx, phone.ID, "c1"); len(got) != 1 || got[0].SuggestionID != "x" {
		t.Errorf("the other shop's c1 events %+v, want its one", got)
	}

	// Events without a time are stamped with the store's clock.
	must(t, "add an event without a time", db.AddEvents(ctx, event(tea.ID, "c2", 0, "ph-hello", kb.SuggestionPhrase, kb.ActionDismissed, time.Time{})))
	if got, _ := db.Events(ctx, tea.ID, "c2"); len(got) != 1 || !got[0].At.Equal(now) {
		t.Errorf("an event without a time read back %+v, want it at %v", got, now)
	}
}

func testShows(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)
	now := clk.now()
	members := []kb.SetMember{{Kind: kb.SuggestionPhrase, ID: "ph-hello"}}
	show := func(shop int64, conv string, turn int, agent string, at time.Time) kb.Show {
		return kb.Show{Shop: shop, Conversation: conv, Turn: turn, Agent: agent, At: at, Members: members}
	}

	must(t, "no shows", db.AddShows(ctx))
	want := []kb.Show{show(tea.ID, "c1", 1, "xiaoli", now.Add(time.Second)), show(tea.ID, "c1", 0, "xiaowang", now),
		show(tea.ID, "c1", 1, "xiaoli", now.Add(time.Second))} // two panels of one agent: two pushes
	must(t, "add shows", db.AddShows(ctx, want...))
	must(t, "a show in the other shop", db.AddShows(ctx, show(phone.ID, "c1", 0, "x", now)))

	// One bad show refuses the whole batch.
	bad := show(tea.ID, "c1", 2, "", now)
	wantCode(t, "a show without an agent", db.AddShows(ctx, show(tea.ID, "c1", 2, "xiaoli", now), bad), kb.EInvalid)
	bad = show(tea.ID, "c1", 2, "xiaoli", now)
	bad.Members = []kb.SetMember{{Kind: "banner", ID: "x"}}
	wantCode(t, "a show of an unknown kind", db.AddShows(ctx, bad), kb.EInvalid)

	got, err := db.(ReviewStore).ConversationShows(ctx, tea.ID, "c1")
	must(t, "read shows", err)
	if len(got) != len(want) {
		t.Fatalf("%d shows, want %d (the refused batches left nothing)", len(got), len(want))
	}
	// In the order shown: by time, then as recorded.
	for i, w := range []kb.Show{want[1], want[0], want[2]} {
		g := got[i]
		if g.Shop != w.Shop || g.Conversation != w.Conversation || g.Turn != w.Turn || g.Agent != w.Agent || !g.At.Equal(w.At) || g.Members != nil {
			t.Errorf("show %d = %+v, want %+v without its members, in the order shown", i, g, w)
		}
	}
	if got, _ := db.(ReviewStore).ConversationShows(ctx, phone.ID, "c1"); len(got) != 1 || got[0].Agent != "x" {
		t.Errorf("the other shop's c1 shows %+v, want its one", got)
	}
	if got, _ := db.(ReviewStore).ConversationShows(ctx, tea.ID, "c9"); got == nil || len(got) != 0 {
		t.Errorf("shows of a conversation without any = %#v, want an empty list", got)
	}
	// Shows are not events: the events of c1 are still none.
	if evs, _ := db.Events(ctx, tea.ID, "c1"); len(evs) != 0 {
		t.Errorf("events of c1 = %+v, want none", evs)
	}
	// A show without a time is stamped with the store's clock.
	must(t, "a show without a time", db.AddShows(ctx, show(tea.ID, "c2", 0, "xiaoli", time.Time{})))
	if got, _ := db.(ReviewStore).ConversationShows(ctx, tea.ID, "c2"); len(got) != 1 || !got[0].At.Equal(now) {
		t.Errorf("a show without a time read back %+v, want it at %v", got, now)
	}
}

// reportFixture writes a conversation's turns into shop and pushes their
// sets to panels, recorded as how says: p-white is shown 5 times, ph-hello
// 3 times, r-return twice; ph-hello is used twice and p-white dismissed
// once.
func reportFixture(t *testing.T, db Store, shop int64, how ShownAs, now time.Time) {
	ctx := context.Background()
	sets := [][]string{{"phrase:ph-hello", "product:p-white", "rule:r-return"}, {"product:p-white", "phrase:ph-hello"}, {"product:p-white"}}
	for i, members := range sets {
		must(t, "turn", db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: "c1", Index: i, Role: "buyer", Text: "在吗",
			At: now, PostedBy: "token:qn", Suggestions: fixtureSet("c1", i, members...)}))
	}
	for n, p := range []struct {
		turn  int
		agent string
	}{{0, "xiaoli"}, {0, "xiaowang"}, {1, "xiaoli"}, {2, "xiaoli"}, {2, "xiaoli"}} {
		recordShown(t, db, how, n, shop, "c1", p.turn, p.agent, now.Add(time.Duration(n)*time.Second))
	}
	must(t, "add events", db.AddEvents(ctx,
		event(shop, "c1", 0, "ph-hello", kb.SuggestionPhrase, kb.ActionUsed, now.Add(time.Minute)),
		event(shop, "c1", 1, "ph-hello", kb.SuggestionPhrase, kb.ActionUsed, now.Add(time.Minute)),
		event(shop, "c1", 2, "p-white", kb.SuggestionProduct, kb.ActionDismissed, now.Add(time.Minute))))
}

// The suggestion report counts the same whether the sets shown were
// recorded as shows, as shown events, or some of each.
func testReport(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)
	must(t, "a turn in the other shop", db.AddTurn(ctx, &kb.StoredTurn{Shop: phone.ID, Conversation: "c1", Index: 0,
		Role: "buyer", Text: "在吗", At: clk.now(), PostedBy: "token:qn", Suggestions: fixtureSet("c1", 0, "product:p-white")}))
	recordShown(t, db, ShownAsShows, 1, phone.ID, "c1", 0, "xiaoli", clk.now())
	want := []kb.SuggestionStats{
		{SuggestionID: "p-white", Kind: kb.SuggestionProduct, Shown: 5, Dismissed: 1},
		{SuggestionID: "ph-hello", Kind: kb.SuggestionPhrase, Shown: 3, Used: 2},
		{SuggestionID: "r-return", Kind: kb.SuggestionRule, Shown: 2},
	}
	for _, how := range []ShownAs{ShownAsShows, ShownAsEvents, ShownMixed} {
		tea, err := db.ImportShop(ctx, teaShop("茶铺 "+how.String()))
		must(t, "import", err)
		if r, err := db.SuggestionReport(ctx, tea.ID); err != nil || len(r) != 0 {
			t.Fatalf("report of a shop without events = %+v, %v; want empty", r, err)
		}
		reportFixture(t, db, tea.ID, how, clk.now())
		got, err := db.SuggestionReport(ctx, tea.ID)
		must(t, "report", err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("shown as %s: report %+v, want %+v (most shown first, then by id; the other shop not counted)", how, got, want)
		}
	}
}
