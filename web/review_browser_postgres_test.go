package web_test

import (
	"context"
	"testing"
	"time"

	"assist/kb/postgres"
	"assist/kb/storetest"
)

// TestReviewInBrowser on the PostgreSQL store: the same demo played through
// the API and the sockets, the same pages, the same steps.
func TestReviewInBrowserOnPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	db, err := postgres.Open(context.Background(), storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	testReviewInBrowser(t, startReviewAppOn(t, db, func(now func() time.Time) { db.Now = now }), "review-postgres")
}
