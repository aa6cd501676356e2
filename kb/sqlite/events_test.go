package sqlite

import (
	"context"
	"testing"

	"assist/kb"
)

func TestSuggestionReport(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	ev := func(id, kind string, a kb.Action) kb.Event {
		return kb.Event{Shop: 1, Conversation: "c1", Turn: 0, Agent: "xiaoli", SuggestionID: id, Kind: kind, Action: a}
	}
	err := db.AddEvents(ctx,
		ev("h1", "phrase", kb.ActionShown), ev("h1", "phrase", kb.ActionShown), ev("h1", "phrase", kb.ActionShown),
		ev("h1", "phrase", kb.ActionShown), ev("h1", "phrase", kb.ActionUsed), ev("h1", "phrase", kb.ActionDismissed),
		ev("upsell:bargain", "nudge", kb.ActionShown))
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.SuggestionReport(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []kb.SuggestionStats{
		{SuggestionID: "h1", Kind: "phrase", Shown: 4, Used: 1, Dismissed: 1},
		{SuggestionID: "upsell:bargain", Kind: "nudge", Shown: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("report = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if r := got[0].UseRate(); r != 0.25 {
		t.Errorf("use rate = %v, want 0.25", r)
	}
}

func TestAddEventsIsAllOrNothing(t *testing.T) {
	tests := []struct {
		name string
		bad  kb.Event
	}{
		{name: "no agent", bad: kb.Event{Shop: 1, Conversation: "c1", SuggestionID: "h1", Kind: "phrase", Action: kb.ActionUsed}},
		{name: "unknown kind", bad: kb.Event{Shop: 1, Conversation: "c1", Agent: "a", SuggestionID: "h1", Kind: "banner", Action: kb.ActionUsed}},
		{name: "unknown action", bad: kb.Event{Shop: 1, Conversation: "c1", Agent: "a", SuggestionID: "h1", Kind: "phrase", Action: "liked"}},
		{name: "negative turn", bad: kb.Event{Shop: 1, Conversation: "c1", Turn: -1, Agent: "a", SuggestionID: "h1", Kind: "phrase", Action: kb.ActionUsed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openWithShop(t)
			ctx := context.Background()
			good := kb.Event{Shop: 1, Conversation: "c1", Agent: "xiaoli", SuggestionID: "h1", Kind: "phrase", Action: kb.ActionUsed}
			if err := db.AddEvents(ctx, good, tt.bad); kb.ErrorCode(err) != kb.EInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			if got, err := db.Events(ctx, 1, "c1"); err != nil || len(got) != 0 {
				t.Errorf("events = %+v, %v; want none stored", got, err)
			}
		})
	}
}

func TestPutPhrase(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	shop := teaShop()
	info, err := db.ImportShop(ctx, shop)
	if err != nil {
		t.Fatal(err)
	}
	edited := kb.Phrase{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐更省", Text: "亲,选{套餐}更省哦", Tags: []string{"议价"}}
	added := kb.Phrase{ID: "h2", Scene: kb.SceneClosing, Title: "道别", Text: "感谢光临{店铺}", Tags: []string{}}
	for _, p := range []kb.Phrase{edited, added} {
		if err := db.PutPhrase(ctx, info.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutPhrase(ctx, info.ID, kb.Phrase{ID: "h3", Scene: "party", Title: "x", Text: "y"}); kb.ErrorCode(err) != kb.EInvalid {
		t.Errorf("unknown scene: %v, want invalid", err)
	}
	if err := db.PutPhrase(ctx, info.ID+1, added); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("unknown shop: %v, want not_found", err)
	}
	got, err := db.Shop(ctx, shop.Name)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Phrases) != 2 || got.Phrases[0].Text != edited.Text || got.Phrases[1].ID != "h2" {
		t.Errorf("phrases = %+v: want h1 edited in place, h2 after it", got.Phrases)
	}
	// Each edit is a new version, so running servers reload the shop.
	if v, err := db.ShopVersion(ctx, info.ID); err != nil || v != info.Version+2 {
		t.Errorf("version after two edits = %d, %v; want %d", v, err, info.Version+2)
	}
}

// A batch larger than one INSERT holds is stored whole and in order.
func TestAddManyEvents(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	const n = 2*eventsPerInsert + 7
	events := make([]kb.Event, n)
	for i := range events {
		events[i] = kb.Event{Shop: 1, Conversation: "c1", Turn: i, Agent: "xiaoli", SuggestionID: "h1", Kind: "phrase", Action: kb.ActionShown}
	}
	if err := db.AddEvents(ctx, events...); err != nil {
		t.Fatal(err)
	}
	got, err := db.Events(ctx, 1, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || got[0].Turn != 0 || got[n-1].Turn != n-1 {
		t.Errorf("stored %d events (first turn %d, last %d), want %d in order", len(got), got[0].Turn, got[len(got)-1].Turn, n)
	}
}
