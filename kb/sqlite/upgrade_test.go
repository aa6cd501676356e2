package sqlite

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"assist/kb"
)

// testdata/store-v2.db was written by assist serve before shops were
// tenants (schema 2): the demo tea shop served, a phone shop imported beside
// it, an admin and an agent, one token, two conversations (one naming a tea
// product, one naming none) and a used event. Opening it applies the
// migration; every row must land in the shop it belonged to.
func TestUpgradeFromSingleShopStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "assist.db")
	copyFile(t, filepath.Join("testdata", "store-v2.db"), path)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	shops, err := db.Shops(ctx)
	if err != nil || len(shops) != 2 {
		t.Fatalf("shops = %+v, %v; want the tea shop and the phone shop", shops, err)
	}
	tea, phone := shops[0], shops[1]
	if tea.Name != "一叶茶舍" || tea.Version != 1 {
		t.Errorf("first shop = %+v, want the demo tea shop at version 1", tea)
	}

	for _, conv := range []string{"tea-1", "tea-2"} {
		turns, err := db.Turns(ctx, tea.ID, conv)
		if err != nil || len(turns) == 0 {
			t.Errorf("conversation %s in the tea shop: %d turns, %v", conv, len(turns), err)
		}
		if _, err := db.Turns(ctx, phone.ID, conv); kb.ErrorCode(err) != kb.ENotFound {
			t.Errorf("conversation %s seen from the phone shop: %v, want not_found", conv, err)
		}
	}
	list, err := db.Conversations(ctx, tea.ID, 10)
	if err != nil || len(list) != 2 {
		t.Errorf("tea shop conversations = %+v, %v", list, err)
	}
	if events, err := db.Events(ctx, tea.ID, "tea-1"); err != nil || len(events) != 1 || events[0].Action != kb.ActionUsed {
		t.Errorf("tea-1 events = %+v, %v; want the used event", events, err)
	}

	tokens, err := db.Tokens(ctx)
	if err != nil || len(tokens) != 1 || tokens[0].Shop != tea.ID {
		t.Errorf("tokens = %+v, %v; want qianniu in the tea shop", tokens, err)
	}
	admin, err := db.User(ctx, "admin")
	if err != nil || !admin.Owner || admin.RoleIn(tea.ID) != kb.RoleAdmin || admin.RoleIn(phone.ID) != kb.RoleAdmin {
		t.Errorf("admin = %+v, %v; want an owner and admin of both shops", admin, err)
	}
	agent, err := db.User(ctx, "xiaomei")
	if err != nil || agent.Owner || agent.RoleIn(tea.ID) != kb.RoleAgent {
		t.Errorf("agent = %+v, %v; want an agent of the tea shop, no owner", agent, err)
	}

	// The upgraded store takes new turns, and a re-import keeps the shop's
	// conversations.
	if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: tea.ID, Conversation: "tea-2", Index: 1, Role: "agent",
		Text: "在的亲", At: db.Now(), Suggestions: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	shop, err := db.Shop(ctx, tea.Name)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := db.ImportShop(ctx, shop); err != nil || info.ID != tea.ID || info.Version != 2 {
		t.Fatalf("re-import = %+v, %v", info, err)
	}
	if turns, err := db.Turns(ctx, tea.ID, "tea-2"); err != nil || len(turns) != 2 {
		t.Errorf("after re-import tea-2 has %d turns, %v; want 2", len(turns), err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
