package postgres_test

import (
	"context"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/storetest"
)

// BenchmarkSessionReadPostgres is kb/sqlite's BenchmarkSessionRead on
// PostgreSQL: what every request of a logged-in person reads first, their
// session with their roles in their shops (here two).
//
//	ASSIST_TEST_POSTGRES=postgres://… go test ./kb/postgres -run '^$' -bench SessionReadPostgres -benchtime 5000x
func BenchmarkSessionReadPostgres(b *testing.B) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, storetest.PostgresDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
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
