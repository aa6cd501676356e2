package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// BenchmarkReplannedStatements shows what session 31 found in the driver:
// go-sqlite3 clears a cached statement's bindings before each run, and
// SQLite then prepares again any statement whose plan marked a bound value
// (a join's "= ?" term, a lookup not by a unique key, LIMIT ?). The same
// row, read by unique key, through a join, through a correlated subquery,
// and through the join with its value written +?, which SQLite does not
// mark: the plain join pays a parse and a plan at every run.
//
//	go test ./kb/sqlite -run X -bench ReplannedStatements
func BenchmarkReplannedStatements(b *testing.B) {
	ctx := context.Background()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(b.TempDir(), "t.db")+"?_journal_mode=WAL&_stmt_cache_size=64")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
		CREATE TABLE s (h BLOB PRIMARY KEY, uid INTEGER NOT NULL);
		INSERT INTO u VALUES (1, 'a'); INSERT INTO s VALUES (x'01', 1);`); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, query string }{
		{"unique-key", `SELECT uid FROM s WHERE h = ?`},
		{"join", `SELECT u.name FROM s JOIN u ON u.id = s.uid WHERE s.h = ?`},
		{"subquery", `SELECT (SELECT name FROM u WHERE u.id = s.uid) FROM s WHERE s.h = ?`},
		{"join-plus", `SELECT u.name FROM s JOIN u ON u.id = s.uid WHERE s.h = +?`},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				var v any
				if err := conn.QueryRowContext(ctx, c.query, []byte{1}).Scan(&v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
