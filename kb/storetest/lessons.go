package storetest

import (
	"context"
	"reflect"
	"testing"

	"assist/kb"
)

func testLessons(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)

	flag := func(turn int, kind kb.FlagKind, text string) int64 {
		t.Helper()
		id, err := db.AddFlag(ctx, &kb.Flag{Shop: tea.ID, Conversation: "c1", Turn: turn, Kind: kind,
			Category: "evidence.missing", Role: "buyer", Text: text, FlaggedBy: "xiaoli"})
		must(t, "add flag", err)
		return id
	}
	asExample := flag(0, kb.FlagMissed, "收到的茶饼有霉点")
	asCue := flag(1, kb.FlagWrong, "这个杯子有点小")
	toReject := flag(2, kb.FlagMissed, "好的")
	if asExample == asCue || asCue == toReject {
		t.Fatalf("flags share ids: %d %d %d", asExample, asCue, toReject)
	}
	pending, err := db.Flags(ctx, tea.ID, kb.FlagOpen, 10)
	must(t, "list flags", err)
	if len(pending) != 3 || pending[0].ID != toReject || pending[2].ID != asExample || !pending[2].At.Equal(clk.now()) ||
		pending[2].Kind != kb.FlagMissed || pending[2].Text != "收到的茶饼有霉点" || pending[2].Status != kb.FlagOpen {
		t.Fatalf("open flags %+v: want 3, newest first, as added", pending)
	}
	if none, _ := db.Flags(ctx, phone.ID, "", 10); len(none) != 0 {
		t.Errorf("the other shop lists %d flags, want none", len(none))
	}

	_, err = db.DecideFlag(ctx, phone.ID, asExample, kb.FlagDecision{Accept: true, As: "example", By: "boss"})
	wantCode(t, "deciding a flag through another shop", err, kb.ENotFound)
	_, err = db.DecideFlag(ctx, tea.ID, asCue, kb.FlagDecision{Accept: true, As: "cue", Word: "不在句中", By: "boss"})
	wantCode(t, "a cue word that is not part of the line", err, kb.EInvalid)

	decided, err := db.DecideFlag(ctx, tea.ID, asExample, kb.FlagDecision{Accept: true, As: "example", By: "boss"})
	must(t, "accept as example", err)
	if decided.Status != kb.FlagAccepted || decided.LearnedAs != "example" || decided.DecidedBy != "boss" {
		t.Errorf("decided flag %+v", decided)
	}
	_, err = db.DecideFlag(ctx, tea.ID, asExample, kb.FlagDecision{Accept: false, By: "boss"})
	wantCode(t, "deciding a flag twice", err, kb.EConflict)
	_, err = db.DecideFlag(ctx, tea.ID, asCue, kb.FlagDecision{Accept: true, As: "cue", Word: "有点小", By: "boss"})
	must(t, "accept as cue", err)
	_, err = db.DecideFlag(ctx, tea.ID, toReject, kb.FlagDecision{Accept: false, By: "boss"})
	must(t, "reject", err)

	shop, info, err := db.ShopByID(ctx, tea.ID)
	must(t, "read back", err)
	if info.Version != 3 {
		t.Errorf("version after two accepted flags and a rejected one = %d, want 3", info.Version)
	}
	wantLessons := kb.Lessons{
		Examples: []kb.Example{{Category: "evidence.missing", Role: "buyer", Text: "收到的茶饼有霉点", Positive: true}},
		Cues:     []kb.ShopCue{{Word: "有点小", Category: "evidence.missing", Enabled: false}},
	}
	if !reflect.DeepEqual(shop.Lessons, wantLessons) {
		t.Errorf("lessons %+v, want %+v", shop.Lessons, wantLessons)
	}
	if rejected, _ := db.Flags(ctx, tea.ID, kb.FlagRejected, 10); len(rejected) != 1 || rejected[0].ID != toReject {
		t.Errorf("rejected flags %+v, want the one", rejected)
	}

	must(t, "put cue", db.PutShopCue(ctx, tea.ID, kb.ShopCue{Word: "霉点", Category: "evidence.missing", Enabled: true}, "boss"))
	must(t, "put cue again (replaces)", db.PutShopCue(ctx, tea.ID, kb.ShopCue{Word: "霉点", Category: "evidence.missing", Enabled: true}, "boss"))
	must(t, "delete cue", db.DeleteShopCue(ctx, tea.ID, "有点小", "evidence.missing"))
	wantCode(t, "delete a cue twice", db.DeleteShopCue(ctx, tea.ID, "有点小", "evidence.missing"), kb.ENotFound)
	shop, info, err = db.ShopByID(ctx, tea.ID)
	must(t, "read back", err)
	if want := []kb.ShopCue{{Word: "霉点", Category: "evidence.missing", Enabled: true}}; !reflect.DeepEqual(shop.Lessons.Cues, want) || info.Version != 6 {
		t.Errorf("cues %+v at version %d, want %+v at 6", shop.Lessons.Cues, info.Version, want)
	}
	if other, _, _ := db.ShopByID(ctx, phone.ID); len(other.Lessons.Cues)+len(other.Lessons.Examples) != 0 {
		t.Errorf("the other shop learned %+v", other.Lessons)
	}
}
