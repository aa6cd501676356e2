package web

import (
	"context"
	"testing"

	"assist/assistant"
	"assist/kb/index"
	"assist/kb/sqlite"
)

// testEngine is the real engine over the shop in the store.
func testEngine(t *testing.T, store *sqlite.DB, shop, indexDir string) Engine {
	t.Helper()
	eng, err := assistant.Load(context.Background(), store, shop, indexDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// reloadTestEngine does what assist serve's reload hook does.
func reloadTestEngine(ctx context.Context, e Engine, store *sqlite.DB, shopName, indexDir string) error {
	shop, err := store.Shop(ctx, shopName)
	if err != nil {
		return err
	}
	idx, err := index.Build(indexDir, shop)
	if err != nil {
		return err
	}
	return e.(*assistant.Engine).Reload(shop, idx)
}
