package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"assist/kb/sqlite"
	"assist/kb/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "assist.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now = now
		return db
	})
}
