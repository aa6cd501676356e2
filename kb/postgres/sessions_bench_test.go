package postgres_test

import (
	"context"
	"testing"

	"assist/kb/postgres"
	"assist/kb/storetest"
)

// BenchmarkSessionReadPostgres is kb/sqlite's BenchmarkSessionRead on
// PostgreSQL (storetest.BenchSessionRead).
//
//	ASSIST_TEST_POSTGRES=postgres://… go test ./kb/postgres -run '^$' -bench SessionReadPostgres -benchtime 5000x
func BenchmarkSessionReadPostgres(b *testing.B) {
	db, err := postgres.Open(context.Background(), storetest.PostgresDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	storetest.BenchSessionRead(b, db)
}
