package storetest

import (
	"context"
	"testing"
	"time"

	"assist/kb"
)

// BenchSessionRead is what every request of a logged-in person reads
// first: their session, with their roles in their shops (here two). Each
// store's BenchmarkSessionRead runs it on an empty store.
func BenchSessionRead(b *testing.B, db Store) {
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "agent-x", "bench-password", false)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"茶铺", "茶铺二店"} {
		shop, err := db.ImportShop(ctx, &kb.Shop{Name: name, ShipWithinHours: 48, Timezone: "Asia/Shanghai"})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Grant(ctx, u.ID, shop.ID, kb.RoleAgent); err != nil {
			b.Fatal(err)
		}
	}
	id, _, err := db.CreateSession(ctx, u, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		s, err := db.Session(ctx, id)
		if err != nil || len(s.User.Shops) != 2 {
			b.Fatalf("%+v, %v", s, err)
		}
	}
}
