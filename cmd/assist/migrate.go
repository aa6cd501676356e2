package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"time"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/sqlite"
)

func init() { register(&migrateCmd{}) }

// migrateCmd copies a SQLite data directory's store into an empty
// PostgreSQL database, for the move from one instance to several.
type migrateCmd struct{}

func (*migrateCmd) Name() string { return "migrate" }
func (*migrateCmd) Synopsis() string {
	return "copy a SQLite data directory's store into an empty PostgreSQL database and check the counts"
}

// column kinds: how a SQLite value becomes a PostgreSQL one.
type colKind int

const (
	colText colKind = iota
	colInt
	colIntOrNull
	colReal
	colBool       // SQLite 0/1
	colTime       // SQLite RFC 3339 text
	colTimeOrNull // as colTime; '' (not yet) becomes NULL
	colBlob
	colBlobOrNull
)

type migrateColumn struct {
	name string
	kind colKind
}

type migrateTable struct {
	name    string
	columns []migrateColumn
}

func cols(spec string) []migrateColumn {
	var out []migrateColumn
	for _, f := range strings.Fields(spec) {
		name, kind, _ := strings.Cut(f, ":")
		k := map[string]colKind{"": colText, "int": colInt, "int?": colIntOrNull, "real": colReal, "bool": colBool, "time": colTime, "time?": colTimeOrNull, "blob": colBlob, "blob?": colBlobOrNull}[kind]
		out = append(out, migrateColumn{name, k})
	}
	return out
}

// migrateTables are the store's tables as of the migrations in
// migrateKnows, parents before children; JSON list columns travel as text.
var migrateTables = []migrateTable{
	{"shops", cols("id:int name ship_within_hours:int same_day_cutoff timezone updated_at:time version:int require_approval:int")},
	{"products", cols("shop_id:int id pos:int title aliases price:real ship_within_hours:int facts pairs_with bundles")},
	{"rules", cols("shop_id:int id pos:int title source text tags")},
	{"phrases", cols("shop_id:int id pos:int scene title text tags code retired:int")},
	{"phrase_versions", cols("shop_id:int phrase_id n:int action status author at:time phrase base:int rollback_to:int approved_by approved_at")},
	{"users", cols("id:int name role password_hash created_at:time owner:bool")},
	{"memberships", cols("user_id:int shop_id:int role")},
	{"sessions", cols("id_hash:blob user_id:int created_at:time expires_at:time")},
	{"api_tokens", cols("id:int shop_id:int name token_hash:blob created_at:time")},
	{"conversations", cols("shop_id:int id turns:int last_text created_at:time updated_at:time buyer_name assignee product")},
	{"suggestion_parts", cols("id:int shop_id:int hash:blob body:blob")},
	{"turns", cols("shop_id:int conversation idx:int role text product at:time posted_by suggestions set_code:blob? buyer_name assignee")},
	{"events", cols("id:int shop_id:int conversation turn:int agent suggestion_id kind action at:time typed:int edited:int")},
	{"shows", cols("id:int shop_id:int conversation turn:int agent at:time")},
	{"shown_counts", cols("shop_id:int kind suggestion_id hour:time shown:int")},
	{"outcomes", cols("shop_id:int id conversation kind at:time amount:int details received_at:time")},
	{"flags", cols("id:int shop_id:int conversation turn:int kind category role text flagged_by at:time status decided_by decided_at:time? learned_as")},
	{"shop_examples", cols("id:int shop_id:int category role text positive:bool flag_id:int? added_by at:time")},
	{"shop_cues", cols("shop_id:int word category enabled:bool added_by at:time")},
	{"personal_phrases", cols("id:int shop_id:int user_id:int title text code created_at:time updated_at:time")},
	{"idempotency_keys", cols("shop_id:int key kind conversation turn:int request created_at:time")},
}

// migrateKnows are the SQLite migrations whose tables migrateTables copies.
// A store with another one is refused: its data would be left behind.
// The review's rollups (007, 011) are not copied: the PostgreSQL store
// recomputes them from the turns, events and outcomes (migrateReview).
// 012's login failures are not copied either: they are counts of the last
// quarter hour, kept by PostgreSQL alone (SQLite counts in memory). 014
// changes how PostgreSQL marks conversations for a refresh and adds no
// table; 015 changes an index of shows; 016 and 017 add and keep the
// conversations' minute, which PostgreSQL derives from updated_at; 018
// orders shown_counts' key by hour.
var migrateKnows = map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true, 10: true, 11: true, 12: true, 13: true, 14: true, 15: true, 16: true, 17: true, 18: true}

func (c *migrateCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "-data DIR -to postgres://user@host/db")
	data := fs.String("data", defaultDataDir, "data directory holding the SQLite store (assist.db)")
	to := fs.String("to", "", "PostgreSQL DSN of an empty database (the schema is created)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !isPostgres(*to) {
		fmt.Fprintln(stderr, "migrate: -to must be a PostgreSQL DSN, postgres://user@host:5432/db")
		fs.Usage()
		return errUsage
	}
	src, err := openExisting(ctx, *data)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := checkMigrations(ctx, src, dst); err != nil {
		return err
	}
	copied := map[string]int64{}
	err = dst.Load(ctx, func(l *postgres.Loader) error {
		for _, t := range migrateTables {
			n, err := copyTable(ctx, src.SQL(), l, t)
			if err != nil {
				return err
			}
			copied[t.name] = n
		}
		// An id issued then deleted (a revoked token) is never issued
		// again: SQLite's AUTOINCREMENT remembers the highest.
		rows, err := src.SQL().QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
		if err != nil {
			return fmt.Errorf("read the last ids: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var seq int64
			if err := rows.Scan(&name, &seq); err != nil {
				return fmt.Errorf("read the last ids: %w", err)
			}
			l.KeepIDsAbove(name, seq)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("migrate %s into %s: %w", storePath(*data), postgres.Redact(*to), err)
	}
	fmt.Fprintf(stdout, "assist: copied %s into %s\n", storePath(*data), postgres.Redact(*to))
	var bad []string
	for _, t := range migrateTables {
		var want int64
		if err := src.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.name).Scan(&want); err != nil {
			return fmt.Errorf("count %s in SQLite: %w", t.name, err)
		}
		got, err := dst.Count(ctx, t.name)
		if err != nil {
			return err
		}
		mark := "ok"
		if got != want || got != copied[t.name] {
			mark = "MISMATCH"
			bad = append(bad, t.name)
		}
		fmt.Fprintf(stdout, "  %-14s SQLite %8d  PostgreSQL %8d  %s\n", t.name, want, got, mark)
	}
	reviewBad, err := migrateReview(ctx, src, dst, stdout)
	if err != nil {
		return err
	}
	bad = append(bad, reviewBad...)
	if len(bad) > 0 {
		return fmt.Errorf("counts differ in %s: the SQLite store changed during the copy? stop every assist serve on %s and migrate into a new database", strings.Join(bad, ", "), *data)
	}
	fmt.Fprintf(stdout, "assist: counts agree; start every instance with: assist serve -store '%s' -data LOCAL-DIR\n", postgres.Redact(*to))
	return nil
}

// checkMigrations refuses a SQLite store that has a migration the copy
// does not know: its tables would be left behind.
func checkMigrations(ctx context.Context, src *sqlite.DB, dst *postgres.DB) error {
	rows, err := src.SQL().QueryContext(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return fmt.Errorf("read the SQLite store's migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return err
		}
		if migrateKnows[v] {
			continue
		}
		return kb.Errorf(kb.EInvalid, "the SQLite store has migration %s, whose tables assist migrate does not copy yet: its data would be left behind", name)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	applied, err := dst.Migrations(ctx)
	if err != nil {
		return err
	}
	have := map[int]bool{}
	for _, v := range applied {
		have[v] = true
	}
	for v := range migrateKnows {
		if !have[v] {
			return fmt.Errorf("the PostgreSQL store lacks migration %03d (it has %v)", v, applied)
		}
	}
	return nil
}

// order keeps the copy in the order rows were written: rowid, except for
// the WITHOUT ROWID tables (idempotency_keys, shown_counts), which have
// none.
func (t migrateTable) order() string {
	switch t.name {
	case "idempotency_keys":
		return "ORDER BY shop_id, key"
	case "shown_counts":
		return "ORDER BY shop_id, kind, hour, suggestion_id"
	}
	return "ORDER BY rowid"
}

// copyTable streams one SQLite table into the loader.
func copyTable(ctx context.Context, src *sql.DB, l *postgres.Loader, t migrateTable) (int64, error) {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+t.name+` `+t.order())
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	return l.Copy(ctx, t.name, names, &sqliteRows{rows: rows, table: t})
}

// sqliteRows turns SQLite rows into PostgreSQL values as COPY reads them.
type sqliteRows struct {
	rows  *sql.Rows
	table migrateTable
	row   int
	vals  []any
	err   error
}

func (r *sqliteRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	r.row++
	raw := make([]any, len(r.table.columns))
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if r.err = r.rows.Scan(ptrs...); r.err != nil {
		return false
	}
	r.vals = make([]any, len(raw))
	for i, c := range r.table.columns {
		v, err := convertValue(raw[i], c.kind)
		if err != nil {
			r.err = fmt.Errorf("%s row %d, column %s: %w", r.table.name, r.row, c.name, err)
			return false
		}
		r.vals[i] = v
	}
	return true
}

func (r *sqliteRows) Values() ([]any, error) { return r.vals, nil }

func (r *sqliteRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

func convertValue(v any, kind colKind) (any, error) {
	text := func() (string, error) {
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
		return "", fmt.Errorf("want text, have %T", v)
	}
	switch kind {
	case colText:
		return text()
	case colInt:
		if n, ok := v.(int64); ok {
			return n, nil
		}
		return nil, fmt.Errorf("want an integer, have %T", v)
	case colReal:
		switch n := v.(type) {
		case float64:
			return n, nil
		case int64:
			return float64(n), nil
		}
		return nil, fmt.Errorf("want a number, have %T", v)
	case colBool:
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("want 0 or 1, have %T", v)
		}
		return n != 0, nil
	case colIntOrNull:
		if v == nil {
			return nil, nil
		}
		return convertValue(v, colInt)
	case colTimeOrNull:
		if s, ok := v.(string); v == nil || ok && s == "" {
			return nil, nil
		}
		return convertValue(v, colTime)
	case colTime:
		if tm, ok := v.(time.Time); ok {
			return tm, nil
		}
		s, err := text()
		if err != nil {
			return nil, err
		}
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("time %q: %w", s, err)
		}
		return tm, nil
	case colBlob:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
		return nil, fmt.Errorf("want bytes, have %T", v)
	case colBlobOrNull:
		if v == nil {
			return nil, nil
		}
		return convertValue(v, colBlob)
	}
	return nil, fmt.Errorf("unknown column kind %d", kind)
}
