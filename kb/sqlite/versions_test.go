package sqlite

import (
	"context"
	"testing"
	"time"

	"assist/kb"
)

// An edit through the store is seen by the next ShopVersion; an edit by
// another process on the same file, within versionFresh.
func TestShopVersionSeesEditsAtOnceOrWithinAMoment(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	db.versions.fresh = 200 * time.Millisecond
	v0, err := db.ShopVersion(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutShopCue(ctx, 1, kb.ShopCue{Word: "拍下", Category: "buy"}, "admin"); err != nil {
		t.Fatal(err)
	}
	if v, err := db.ShopVersion(ctx, 1); err != nil || v != v0+1 {
		t.Fatalf("right after an edit here: version %d, %v; want %d", v, err, v0+1)
	}

	other, err := Open(ctx, db.Path()) // another process's handle on the file
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.PutShopCue(ctx, 1, kb.ShopCue{Word: "下单", Category: "buy"}, "admin"); err != nil {
		t.Fatal(err)
	}
	edited := time.Now()
	for {
		v, err := db.ShopVersion(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if v == v0+2 {
			break
		}
		if time.Since(edited) > 2*db.versions.fresh {
			t.Fatalf("version %d %v after another process's edit, want %d within %v", v, time.Since(edited), v0+2, db.versions.fresh)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := db.ShopVersion(ctx, 99); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("an unknown shop: %v, want not found", err)
	}
}
