package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Check finds a store sound, and finds damage that SQLite would otherwise
// report only when a damaged page is read.
func TestCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	ledger(t, db)
	for range 3000 {
		if err := addEntry(db); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SQL().Exec(`CREATE INDEX ledger_note ON ledger (note)`); err != nil {
		t.Fatal(err)
	}
	healthy := filepath.Join(t.TempDir(), "healthy.db")
	if err := db.Backup(ctx, healthy); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(ctx, db.Path()) // while open and with a log
	if err != nil || !rep.OK() || rep.Schema != rep.Known || rep.Known == 0 {
		t.Fatalf("check of a sound store: %+v %v", rep, err)
	}

	damagedPages := filepath.Join(t.TempDir(), "damaged.db")
	b, err := os.ReadFile(healthy)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 2; i < len(b)/2+8192 && i < len(b); i++ { // two pages in the middle
		b[i] = 0x5a
	}
	if err := os.WriteFile(damagedPages, b, 0o600); err != nil {
		t.Fatal(err)
	}
	notADB := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(notADB, []byte(strings.Repeat("这不是数据库\n", 1000)), 0o600)

	for _, path := range []string{damagedPages, notADB} {
		rep, err := Check(ctx, path)
		if err != nil {
			t.Fatalf("check %s: %v, want a report of the damage", filepath.Base(path), err)
		}
		if rep.OK() {
			t.Errorf("check %s: no problem found in a damaged file", filepath.Base(path))
		}
		t.Logf("%s: %q", filepath.Base(path), rep.Problems)
	}
	if _, err := Check(ctx, filepath.Join(t.TempDir(), "missing.db")); err == nil {
		t.Error("check of a missing file: no error")
	}
}
