package postgres_test

import (
	"context"
	"testing"
	"time"

	"assist/kb/postgres"
	"assist/kb/storetest"
)

func openTest(t *testing.T, now func() time.Time) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if now != nil {
		db.Now = now
	}
	return db
}

func TestContract(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store { return openTest(t, now) })
}
