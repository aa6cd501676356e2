package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"assist/kb"
)

func teaShop() *kb.Shop {
	return &kb.Shop{
		Name: "山间茶舍", ShipWithinHours: 48, SameDayCutoff: "17:00", Timezone: "Asia/Shanghai",
		Products: []kb.Product{
			{ID: "p1", Title: "明前龙井 250克", Aliases: []string{"龙井", "绿茶"}, Price: 168, ShipWithinHours: 24,
				Facts:     []kb.Fact{{Name: "产地", Value: "杭州西湖"}, {Name: "保质期", Value: "18个月"}},
				PairsWith: []string{"p2"}, Bundles: []kb.Bundle{{Title: "龙井+玻璃杯", Items: []string{"p1", "p2"}, Price: 199}}},
			{ID: "p2", Title: "双层玻璃杯", Aliases: []string{"杯子"}, Price: 45,
				Facts: []kb.Fact{{Name: "材质", Value: "高硼硅玻璃"}}},
		},
		Rules:   []kb.Rule{{ID: "r1", Title: "七天无理由", Source: "《消费者权益保护法》第二十五条", Text: "七日内有权退货", Tags: []string{"退货"}}},
		Phrases: []kb.Phrase{{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,{套餐}更划算", Tags: []string{"优惠"}, Code: "tc"}},
	}
}

func openTemp(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestImportReadsBackTheSameShop(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	want := teaShop()
	if _, err := db.ImportShop(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := db.Shop(ctx, want.Name)
	if err != nil {
		t.Fatal(err)
	}
	// Lists a bundle leaves out come back empty, not nil.
	want.Products[1].PairsWith = []string{}
	want.Products[1].Bundles = []kb.Bundle{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestImportReplacesOnlyThatShop(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	first := teaShop()
	other := teaShop()
	other.Name = "另一家店"
	for _, s := range []*kb.Shop{first, other} {
		if _, err := db.ImportShop(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	smaller := teaShop()
	smaller.Products = smaller.Products[:1]
	smaller.Products[0].PairsWith = nil
	if _, err := db.ImportShop(ctx, smaller); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Shop(ctx, first.Name)
	if len(got.Products) != 1 {
		t.Errorf("replaced shop has %d products, want 1", len(got.Products))
	}
	kept, _ := db.Shop(ctx, other.Name)
	if len(kept.Products) != 2 {
		t.Errorf("other shop has %d products, want 2 (untouched)", len(kept.Products))
	}
	shops, _ := db.Shops(ctx)
	want := []kb.ShopInfo{{ID: 1, Name: "山间茶舍", Version: 2}, {ID: 2, Name: "另一家店", Version: 1}}
	if !reflect.DeepEqual(shops, want) {
		t.Errorf("shops = %+v, want %+v (a re-import keeps the id and bumps the version)", shops, want)
	}
}

func TestFailedImportChangesNothing(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.ImportShop(ctx, teaShop()); err != nil {
		t.Fatal(err)
	}
	bad := teaShop()
	bad.Products = append(bad.Products, bad.Products[0]) // duplicate id: the insert fails midway
	if _, err := db.ImportShop(ctx, bad); err == nil {
		t.Fatal("import of a shop with a duplicate product id succeeded")
	}
	got, err := db.Shop(ctx, bad.Name)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Products) != 2 || len(got.Rules) != 1 || len(got.Phrases) != 1 {
		t.Errorf("after a failed import the shop has %d products, %d rules, %d phrases; want the old 2, 1, 1",
			len(got.Products), len(got.Rules), len(got.Phrases))
	}
}

func TestMissingShopIsNotFound(t *testing.T) {
	db := openTemp(t)
	_, err := db.Shop(context.Background(), "无此店")
	if kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("error code = %q (%v), want not_found", kb.ErrorCode(err), err)
	}
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "assist.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportShop(ctx, teaShop()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = 1`).Scan(&n); err != nil || n != 1 {
		t.Errorf("migration 1 recorded %d times (%v), want once", n, err)
	}
	var mode string
	db.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var fk int
	db.SQL().QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	if fk != 1 {
		t.Errorf("foreign_keys = %d, want 1", fk)
	}
	if _, err := db.Shop(ctx, "山间茶舍"); err != nil {
		t.Errorf("shop lost across reopen: %v", err)
	}
}

// openWithShop opens a store holding teaShop, whose id is 1: turns, events
// and tokens all belong to a shop.
func openWithShop(t testing.TB) *DB {
	t.Helper()
	db := openTemp(t)
	info, err := db.ImportShop(context.Background(), teaShop())
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != 1 {
		t.Fatalf("first shop id = %d, want 1", info.ID)
	}
	return db
}
