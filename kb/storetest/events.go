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

func testReport(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)
	if r, err := db.SuggestionReport(ctx, tea.ID); err != nil || len(r) != 0 {
		t.Fatalf("report of a shop without events = %+v, %v; want empty", r, err)
	}
	now := clk.now()
	var evs []kb.Event
	add := func(id, kind string, a kb.Action, n int) {
		for range n {
			evs = append(evs, event(tea.ID, "c1", 0, id, kind, a, now))
		}
	}
	add("ph-hello", kb.SuggestionPhrase, kb.ActionShown, 3)
	add("ph-hello", kb.SuggestionPhrase, kb.ActionUsed, 2)
	add("p-white", kb.SuggestionProduct, kb.ActionShown, 5)
	add("p-white", kb.SuggestionProduct, kb.ActionDismissed, 1)
	add("r-return", kb.SuggestionRule, kb.ActionShown, 3)
	must(t, "add events", db.AddEvents(ctx, evs...))
	must(t, "add events in the other shop", db.AddEvents(ctx, event(phone.ID, "c1", 0, "p-white", kb.SuggestionProduct, kb.ActionShown, now)))

	got, err := db.SuggestionReport(ctx, tea.ID)
	must(t, "report", err)
	want := []kb.SuggestionStats{
		{SuggestionID: "p-white", Kind: kb.SuggestionProduct, Shown: 5, Dismissed: 1},
		{SuggestionID: "ph-hello", Kind: kb.SuggestionPhrase, Shown: 3, Used: 2},
		{SuggestionID: "r-return", Kind: kb.SuggestionRule, Shown: 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("report %+v, want %+v (most shown first, then by id; the other shop not counted)", got, want)
	}
}
