package storetest

import (
	"context"
	"reflect"
	"testing"

	"assist/kb"
)

// teaShop is a small shop with every kind of field filled, so a round trip
// that drops one shows.
func teaShop(name string) *kb.Shop {
	return &kb.Shop{
		Name: name, ShipWithinHours: 48, SameDayCutoff: "16:00", Timezone: "Asia/Shanghai",
		Products: []kb.Product{
			{ID: "p-white", Title: "白茶饼 357g", Aliases: []string{"白茶", "茶饼"}, Price: 128.5, ShipWithinHours: 24,
				Facts:     []kb.Fact{{Name: "产地", Value: "福鼎"}, {Name: "年份", Value: "2019"}},
				PairsWith: []string{"p-cup"}, Bundles: []kb.Bundle{{Title: "茶饼加杯", Items: []string{"p-white", "p-cup"}, Price: 150}}},
			{ID: "p-cup", Title: "玻璃杯", Price: 22},
		},
		Rules: []kb.Rule{{ID: "r-return", Title: "七天无理由", Source: "平台规则", Text: "未拆封可退。", Tags: []string{"退货"}}},
		Phrases: []kb.Phrase{
			{ID: "ph-hello", Scene: kb.SceneGreeting, Title: "问候", Text: "您好，在的~", Code: "hi"},
			{ID: "ph-ship", Scene: kb.SceneShipping, Title: "发货", Text: "今天下单{ship}内发货。", Tags: []string{"发货"}},
		},
	}
}

// listsFilled is shop as a store gives it back: a list left out (nil) of a
// product, rule or phrase reads back empty.
func listsFilled(shop *kb.Shop) *kb.Shop {
	out := *shop
	out.Products = append([]kb.Product(nil), shop.Products...)
	for i := range out.Products {
		p := &out.Products[i]
		p.Aliases, p.PairsWith = orEmpty(p.Aliases), orEmpty(p.PairsWith)
		p.Facts, p.Bundles = orEmpty(p.Facts), orEmpty(p.Bundles)
	}
	out.Rules = append([]kb.Rule(nil), shop.Rules...)
	for i := range out.Rules {
		out.Rules[i].Tags = orEmpty(out.Rules[i].Tags)
	}
	out.Phrases = append([]kb.Phrase(nil), shop.Phrases...)
	for i := range out.Phrases {
		out.Phrases[i].Tags = orEmpty(out.Phrases[i].Tags)
	}
	return &out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func testShops(t *testing.T, f Factory) {
	ctx := context.Background()
	db, _ := open(t, f)

	if shops, err := db.Shops(ctx); err != nil || len(shops) != 0 {
		t.Fatalf("empty store: shops %v, %v; want none", shops, err)
	}
	_, err := db.ImportShop(ctx, &kb.Shop{})
	wantCode(t, "import a shop without a name", err, kb.EInvalid)

	want := teaShop("茶铺")
	info, err := db.ImportShop(ctx, want)
	must(t, "import", err)
	if info.ID <= 0 || info.Version != 1 || info.Name != "茶铺" {
		t.Fatalf("import: info %+v, want a new id at version 1", info)
	}
	got, ginfo, err := db.ShopByID(ctx, info.ID)
	must(t, "read back", err)
	if !reflect.DeepEqual(got, listsFilled(want)) {
		t.Errorf("round trip changed the shop:\n got %+v\nwant %+v", got, want)
	}
	if ginfo != info {
		t.Errorf("ShopByID info %+v, want %+v", ginfo, info)
	}

	other, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import a second shop", err)
	if other.ID == info.ID {
		t.Fatalf("two shops share id %d", info.ID)
	}

	// Importing a shop again replaces its knowledge, keeps its id and
	// moves its version, so every server reloads it.
	again := teaShop("茶铺")
	again.Products = again.Products[1:]
	again.Phrases = nil
	reinfo, err := db.ImportShop(ctx, again)
	must(t, "import again", err)
	if reinfo.ID != info.ID || reinfo.Version != 2 {
		t.Fatalf("import again: %+v, want id %d at version 2", reinfo, info.ID)
	}
	got, _, err = db.ShopByID(ctx, info.ID)
	must(t, "read back", err)
	if len(got.Products) != 1 || got.Products[0].ID != "p-cup" || len(got.Phrases) != 0 {
		t.Errorf("after import again: products %v, phrases %v; want only p-cup and no phrase", got.Products, got.Phrases)
	}
	if v, err := db.ShopVersion(ctx, info.ID); err != nil || v != 2 {
		t.Errorf("ShopVersion = %d, %v; want 2", v, err)
	}
	if v, err := db.ShopVersion(ctx, other.ID); err != nil || v != 1 {
		t.Errorf("the other shop's version = %d, %v; want 1 (untouched)", v, err)
	}

	shops, err := db.Shops(ctx)
	must(t, "list shops", err)
	if len(shops) != 2 || shops[0] != reinfo || shops[1] != other {
		t.Errorf("Shops = %+v, want [%+v %+v] (oldest first)", shops, reinfo, other)
	}
	named, err := db.ShopNamed(ctx, "手机店")
	if err != nil || named != other {
		t.Errorf("ShopNamed = %+v, %v; want %+v", named, err, other)
	}
	_, err = db.ShopNamed(ctx, "没有这家")
	wantCode(t, "ShopNamed of an unknown name", err, kb.ENotFound)
	_, err = db.ShopVersion(ctx, other.ID+100)
	wantCode(t, "ShopVersion of an unknown shop", err, kb.ENotFound)
	_, _, err = db.ShopByID(ctx, other.ID+100)
	wantCode(t, "ShopByID of an unknown shop", err, kb.ENotFound)

	// A failed import changes nothing.
	bad := teaShop("茶铺")
	bad.Products = append(bad.Products, bad.Products[0]) // duplicate id
	if _, err := db.ImportShop(ctx, bad); err == nil {
		t.Fatal("an import with a duplicate product id was accepted")
	}
	got, ginfo, err = db.ShopByID(ctx, info.ID)
	must(t, "read back after a failed import", err)
	if ginfo.Version != 2 || len(got.Products) != 1 {
		t.Errorf("a failed import left version %d and %d products; want 2 and 1", ginfo.Version, len(got.Products))
	}
}

func testPhrases(t *testing.T, f Factory) {
	ctx := context.Background()
	db, _ := open(t, f)
	info, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)

	err = db.PutPhrase(ctx, info.ID, kb.Phrase{ID: "x", Scene: "nowhere", Title: "t", Text: "x"})
	wantCode(t, "a phrase with an unknown scene", err, kb.EInvalid)
	err = db.PutPhrase(ctx, info.ID, kb.Phrase{ID: "x", Scene: kb.SceneClosing})
	wantCode(t, "a phrase without a title or text", err, kb.EInvalid)
	err = db.PutPhrase(ctx, info.ID+100, kb.Phrase{ID: "x", Scene: kb.SceneClosing, Title: "t", Text: "x"})
	wantCode(t, "a phrase in an unknown shop", err, kb.ENotFound)

	// Editing keeps the phrase's place; a new phrase goes last. Each edit
	// moves the version.
	edited := kb.Phrase{ID: "ph-hello", Scene: kb.SceneGreeting, Title: "问候", Text: "亲，在的！", Code: "hi2"}
	must(t, "edit a phrase", db.PutPhrase(ctx, info.ID, edited))
	added := kb.Phrase{ID: "ph-bye", Scene: kb.SceneClosing, Title: "道别", Text: "感谢光临", Tags: []string{"结束"}}
	must(t, "add a phrase", db.PutPhrase(ctx, info.ID, added))
	shop, got, err := db.ShopByID(ctx, info.ID)
	must(t, "read back", err)
	if got.Version != 3 {
		t.Errorf("version after two edits = %d, want 3", got.Version)
	}
	var ids []string
	for _, p := range shop.Phrases {
		ids = append(ids, p.ID)
	}
	if !reflect.DeepEqual(ids, []string{"ph-hello", "ph-ship", "ph-bye"}) {
		t.Errorf("phrase order %v, want the edited one in place and the new one last", ids)
	}
	edited.Tags = []string{} // a list left out reads back empty, never nil
	if !reflect.DeepEqual(shop.Phrases[0], edited) || !reflect.DeepEqual(shop.Phrases[2], added) {
		t.Errorf("phrases read back %+v, want %+v and %+v", shop.Phrases, edited, added)
	}
}
