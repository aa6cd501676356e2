package postgres

import (
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
)

// Every migration of kb/sqlite has its twin here under the same number and
// name, so the two stores keep one schema history (a new table in SQLite
// without its PostgreSQL twin fails here, not in production).
func TestMigrationsMirrorSQLite(t *testing.T) {
	sqliteNames, err := filepath.Glob(filepath.Join("..", "sqlite", "migrations", "*.sql"))
	if err != nil || len(sqliteNames) == 0 {
		t.Fatalf("kb/sqlite migrations: %v %v", sqliteNames, err)
	}
	var want []string
	for _, n := range sqliteNames {
		want = append(want, filepath.Base(n))
	}
	got, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range got {
		got[i] = filepath.Base(n)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("kb/postgres migrations %v, kb/sqlite's %v: add the PostgreSQL twin of each (same number and name)", got, want)
	}
}
