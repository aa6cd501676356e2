package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// CheckReport is what Check found in a store file.
type CheckReport struct {
	Path     string
	Problems []string // what is wrong, one line each; none when the store is sound
	// Schema is the newest migration applied; Known the newest this build has.
	Schema, Known int
	WALBytes      int64 // size of the write-ahead log beside the file (commits not yet copied in)
}

// OK reports whether the store is sound and this build can serve it.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check examines the store at path without changing it: SQLite's integrity
// check (every page, index and constraint), the foreign keys, and whether
// its migrations match this build. It works while the server runs. An
// error means the file could not be examined at all (missing, not a
// database); what is wrong inside is in the report.
func Check(ctx context.Context, path string) (*CheckReport, error) {
	r := &CheckReport{Path: path}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	if st, err := os.Stat(path + "-wal"); err == nil {
		r.WALBytes = st.Size()
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_busy_timeout", "5000")
	sdb, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	defer sdb.Close()
	conn, err := sdb.Conn(ctx)
	if damaged(err) {
		r.Problems = append(r.Problems, err.Error())
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	defer conn.Close()
	problems, err := integrityProblems(ctx, conn)
	if damaged(err) {
		r.Problems = append(r.Problems, err.Error())
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	r.Problems = problems
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&r.Schema); err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("no migrations table: %v", err))
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	// Versions are numbers in the file names and may skip some.
	for _, n := range names {
		num, _, _ := strings.Cut(strings.TrimPrefix(n, "migrations/"), "_")
		if v, err := strconv.Atoi(num); err == nil && v > r.Known {
			r.Known = v
		}
	}
	if r.Schema > r.Known {
		r.Problems = append(r.Problems, fmt.Sprintf("the store is at migration %d, newer than this build (%d): use a newer assist", r.Schema, r.Known))
	}
	return r, nil
}

// integrityProblems runs SQLite's integrity and foreign key checks on conn.
func integrityProblems(ctx context.Context, conn *sql.Conn) ([]string, error) {
	var problems []string
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check(100)`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fk, err := conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, err
	}
	defer fk.Close()
	for fk.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var n int
		if err := fk.Scan(&table, &rowid, &parent, &n); err != nil {
			return nil, err
		}
		problems = append(problems, fmt.Sprintf("table %s row %d refers to a missing row of %s", table, rowid.Int64, parent))
	}
	return problems, fk.Err()
}

// damaged reports whether err is SQLite saying the file is damaged or is
// not a database: a finding, not a failure to look.
func damaged(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB)
}
