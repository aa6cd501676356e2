package postgres_test

import (
	"context"
	"sync"
	"testing"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/storetest"
	"assist/kb/storetest/realsets"
)

// BenchmarkReviewLongChatPostgres is kb/sqlite's BenchmarkReviewLongChat
// on PostgreSQL (storetest.BenchLongChats).
//
//	ASSIST_TEST_POSTGRES=postgres://… go test ./kb/postgres -run '^$' -bench ReviewLongChat -benchtime 2x
func BenchmarkReviewLongChatPostgres(b *testing.B) {
	mix, db, _ := mixOnPostgres(b)
	var mu sync.Mutex
	var pool []*kb.StoredTurn // the sets of one shop, to make long chats of
	if err := mix.Play(2000, func(turns []*kb.StoredTurn) error {
		mu.Lock()
		defer mu.Unlock()
		for _, st := range turns {
			if st.Shop == 1 {
				pool = append(pool, st)
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	storetest.BenchLongChats(b, db, 1, pool)
}

// mixOnPostgres opens the real sets' mix and a store of its own (in a
// schema of its own, dsn) holding the mix's shops, closed when b ends.
func mixOnPostgres(b *testing.B) (*realsets.Mix, *postgres.DB, string) {
	ctx := context.Background()
	mix, err := realsets.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { mix.Close() })
	dsn := storetest.PostgresDSN(b)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for i, s := range mix.Shops {
		if info, err := db.ImportShop(ctx, s.Shop); err != nil || info.ID != int64(i+1) {
			b.Fatalf("import shop %d: %+v, %v", i, info, err)
		}
	}
	return mix, db, dsn
}
