package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"assist/kb"
)

// turn is turn idx of conv in shop, with a suggestion set naming it, so a
// mix-up between turns shows in the set too.
func turn(shop int64, conv string, idx int, text string, at time.Time) *kb.StoredTurn {
	return &kb.StoredTurn{Shop: shop, Conversation: conv, Index: idx, Role: "buyer", Text: text,
		Product: "p-white", At: at, PostedBy: "xiaoli",
		Suggestions: json.RawMessage(fmt.Sprintf(`{"turn":%d,"conversation":%q,"items":[{"id":"ph-hello","kind":"phrase"}]}`, idx, conv))}
}

func testTurns(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)

	wantCode(t, "a turn without a suggestion set", db.AddTurn(ctx, &kb.StoredTurn{Shop: tea.ID, Conversation: "c1"}), kb.EInvalid)
	wantCode(t, "a turn without a shop", db.AddTurn(ctx, turn(0, "c1", 0, "x", clk.now())), kb.EInvalid)
	_, err = db.Turns(ctx, tea.ID, "c1")
	wantCode(t, "turns of an unknown conversation", err, kb.ENotFound)

	texts := []string{"在吗", "白茶饼什么时候发货", "好的谢谢"}
	var want []*kb.StoredTurn
	for i, text := range texts {
		clk.advance(time.Second)
		st := turn(tea.ID, "c1", i, text, clk.now().Add(-250*time.Millisecond))
		must(t, "add turn", db.AddTurn(ctx, st))
		want = append(want, st)
	}
	// The same conversation id in another shop is another conversation.
	clk.advance(time.Second)
	must(t, "add turn in the other shop", db.AddTurn(ctx, turn(phone.ID, "c1", 0, "手机几天到", clk.now())))

	err = db.AddTurn(ctx, turn(tea.ID, "c1", 1, "重复的第二句", clk.now()))
	wantCode(t, "a second turn 1", err, kb.EConflict)

	got, err := db.Turns(ctx, tea.ID, "c1")
	must(t, "read turns", err)
	if len(got) != len(want) {
		t.Fatalf("%d turns, want %d", len(got), len(want))
	}
	for i := range want {
		sameTurn(t, got[i], want[i])
	}
	one, err := db.Turn(ctx, tea.ID, "c1", 1)
	must(t, "read turn 1", err)
	sameTurn(t, *one, want[1])
	_, err = db.Turn(ctx, tea.ID, "c1", 3)
	wantCode(t, "a turn not yet taken", err, kb.ENotFound)
	other, err := db.Turns(ctx, phone.ID, "c1")
	if err != nil || len(other) != 1 || other[0].Text != "手机几天到" {
		t.Errorf("the other shop's c1 = %+v, %v; want its one turn", other, err)
	}
	_, err = db.Turn(ctx, phone.ID, "c1", 1)
	wantCode(t, "turn 1 of the other shop's c1", err, kb.ENotFound)

	clk.advance(time.Second)
	must(t, "add turn", db.AddTurn(ctx, turn(tea.ID, "c2", 0, "有玻璃杯吗", clk.now())))
	list, err := db.Conversations(ctx, tea.ID, 10)
	must(t, "list conversations", err)
	if len(list) != 2 || list[0].ID != "c2" || list[1].ID != "c1" || list[1].Turns != 3 || list[1].LastText != "好的谢谢" {
		t.Errorf("conversations %+v: want c2 then c1 (3 turns, the conflict not counted, last text 好的谢谢)", list)
	}
	if !list[0].UpdatedAt.Equal(clk.now()) {
		t.Errorf("c2 updated at %v, want %v", list[0].UpdatedAt, clk.now())
	}
	if list, _ := db.Conversations(ctx, tea.ID, 1); len(list) != 1 {
		t.Errorf("limit 1 gave %d conversations", len(list))
	}
	if list, _ := db.Conversations(ctx, phone.ID, 10); len(list) != 1 || list[0].ID != "c1" || list[0].Turns != 1 {
		t.Errorf("the other shop's conversations %+v, want its c1 alone", list)
	}
}

func sameTurn(t *testing.T, got kb.StoredTurn, want *kb.StoredTurn) {
	t.Helper()
	if got.Shop != want.Shop || got.Conversation != want.Conversation || got.Index != want.Index || got.Role != want.Role ||
		got.Text != want.Text || got.Product != want.Product || got.PostedBy != want.PostedBy || !got.At.Equal(want.At) {
		t.Errorf("turn read back %+v, want %+v", got, *want)
	}
	if string(got.Suggestions) != string(want.Suggestions) {
		t.Errorf("turn %d suggestions read back %s, want exactly %s", want.Index, got.Suggestions, want.Suggestions)
	}
}

// testConcurrentTurns posts the same next index from many writers at once,
// as two instances answering one conversation would: exactly one wins, the
// others hear conflict, and the conversation counts one turn.
func testConcurrentTurns(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	must(t, "first turn", db.AddTurn(ctx, turn(tea.ID, "race", 0, "在吗", clk.now())))

	const writers = 8
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := turn(tea.ID, "race", 1, fmt.Sprintf("写者%d", w), clk.now())
			errs[w] = db.AddTurn(ctx, st)
		}()
	}
	wg.Wait()
	won := 0
	for w, err := range errs {
		switch kb.ErrorCode(err) {
		case "":
			if err == nil {
				won++
			}
		case kb.EConflict:
		default:
			t.Errorf("writer %d: %v, want success or conflict", w, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers stored turn 1, want exactly 1", won)
	}
	got, err := db.Turns(ctx, tea.ID, "race")
	must(t, "read turns", err)
	list, err := db.Conversations(ctx, tea.ID, 10)
	must(t, "list", err)
	if len(got) != 2 || len(list) != 1 || list[0].Turns != 2 {
		t.Errorf("after the race: %d turns stored, conversation counts %+v; want 2 and 2", len(got), list)
	}
}
