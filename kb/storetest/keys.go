package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"assist/kb"
)

// testPagesAndKeys covers a conversation read page by page, idempotency
// keys of turns and events, and a shop's own tokens.
func testPagesAndKeys(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)

	for i := range 5 {
		st := turn(tea.ID, "c1", i, fmt.Sprintf("第%d句", i), clk.now())
		if i == 2 {
			st.IdempotencyKey = "retry-2"
		}
		must(t, "add turn", db.AddTurn(ctx, st))
	}
	page, more, err := db.TurnPage(ctx, tea.ID, "c1", -1, 2)
	if err != nil || len(page) != 2 || page[0].Index != 3 || page[1].Index != 4 || !more {
		t.Fatalf("last page %+v more %v, %v; want turns 3, 4 and more", page, more, err)
	}
	page, more, err = db.TurnPage(ctx, tea.ID, "c1", 3, 10)
	if err != nil || len(page) != 3 || page[0].Index != 0 || page[2].Index != 2 || more {
		t.Errorf("page before 3: %+v more %v, %v; want turns 0-2 and no more", page, more, err)
	}
	_, _, err = db.TurnPage(ctx, phone.ID, "c1", -1, 2)
	wantCode(t, "a page of another shop's conversation", err, kb.ENotFound)
	_, _, err = db.TurnPage(ctx, tea.ID, "c1", -1, 0)
	wantCode(t, "a page of 0 turns", err, kb.EInvalid)

	got, err := db.TurnByKey(ctx, tea.ID, "retry-2")
	if err != nil || got.Index != 2 || got.IdempotencyKey != "retry-2" {
		t.Errorf("TurnByKey = %+v, %v; want turn 2 with its key", got, err)
	}
	_, err = db.TurnByKey(ctx, phone.ID, "retry-2")
	wantCode(t, "another shop's key", err, kb.ENotFound)
	reused := turn(tea.ID, "c2", 0, "新的一句", clk.now())
	reused.IdempotencyKey = "retry-2"
	wantCode(t, "a key used again for another turn", db.AddTurn(ctx, reused), kb.EConflict)
	if _, err := db.Turns(ctx, tea.ID, "c2"); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("the refused turn left conversation c2 behind: %v", err)
	}

	ev := event(tea.ID, "c1", 1, "ph-hello", kb.SuggestionPhrase, kb.ActionUsed, clk.now())
	if replayed, err := db.AddEventOnce(ctx, "ev-1", ev); err != nil || replayed {
		t.Fatalf("first event under a key: replayed %v, %v", replayed, err)
	}
	ev.At = ev.At.Add(time.Second) // a retry is the same request at another time
	if replayed, err := db.AddEventOnce(ctx, "ev-1", ev); err != nil || !replayed {
		t.Errorf("retry: replayed %v, %v; want replayed", replayed, err)
	}
	other := ev
	other.Action = kb.ActionDismissed
	_, err = db.AddEventOnce(ctx, "ev-1", other)
	wantCode(t, "another event under the same key", err, kb.EConflict)
	_, err = db.AddEventOnce(ctx, "retry-2", ev)
	wantCode(t, "an event under a turn's key", err, kb.EConflict)
	if evs, _ := db.Events(ctx, tea.ID, "c1"); len(evs) != 1 {
		t.Errorf("%d events recorded, want 1 (the retry and the conflicts record nothing)", len(evs))
	}

	_, t1, err := db.CreateToken(ctx, tea.ID, "im")
	must(t, "create token", err)
	_, t2, err := db.CreateToken(ctx, phone.ID, "im")
	must(t, "create token", err)
	if toks, err := db.ShopTokens(ctx, tea.ID); err != nil || len(toks) != 1 || toks[0].ID != t1.ID {
		t.Errorf("the tea shop's tokens %+v, %v; want its one", toks, err)
	}
	_, err = db.RevokeShopToken(ctx, tea.ID, t2.ID)
	wantCode(t, "revoking another shop's token", err, kb.ENotFound)
	if rev, err := db.RevokeShopToken(ctx, phone.ID, t2.ID); err != nil || rev.ID != t2.ID {
		t.Errorf("revoke own token: %+v, %v", rev, err)
	}
	if toks, err := db.ShopTokens(ctx, phone.ID); err != nil || len(toks) != 0 {
		t.Errorf("after revoking: %+v, %v; want none", toks, err)
	}
}
