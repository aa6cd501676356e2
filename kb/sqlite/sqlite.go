// Package sqlite is the store: the source of truth for shops' knowledge and,
// later, for people, conversations and suggestion events. The bleve index is
// derived from it and can be rebuilt at any time.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"assist/kb/review"
)

// unmarked: a read that is not a lookup by unique key writes its bound
// values +? rather than ?. SQLite marks a plain ? that its plan may depend
// on (the planner weighs an "= ?" term for the loops that do not use it,
// and LIMIT ?), and go-sqlite3 clears a cached statement's bindings before
// each run, which throws a marked statement's plan away: SQLite parsed and
// planned it again at every run, a tenth of the CPU of a short chat page
// (BenchmarkReplannedStatements). +? is the same value, and SQLite does
// not mark it; the plan is the one the statement had.

// writerDriver is the driver of the write pool: go-sqlite3 with SQLite's
// automatic checkpoint moved out of the way of commits.
//
// Left to itself, SQLite checkpoints inside the commit that takes the
// write-ahead log past 1000 pages, and it keeps doing so in every commit
// while the log stays that long. A turn writes about ten pages, so at a
// few hundred turns a second the log reaches 1000 pages between two of the
// server's background checkpoints (CheckpointEvery) and turns paid for
// checkpoints: copying pages and an fsync, 1 ms of CPU and up to 6 ms of
// wall time in a commit that otherwise takes 0.1 ms. Commits now checkpoint
// only when the log is past autoCheckpointPages, a backstop for a server
// whose background checkpoints fall far behind; tools that write without
// them (import, eval) checkpoint there too, and when they close.
const writerDriver = "sqlite3-assist-writer"

// autoCheckpointPages is the log length, in pages, past which a commit
// checkpoints: about 40 MB of log.
const autoCheckpointPages = 10_000

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA wal_autocheckpoint = "+strconv.Itoa(autoCheckpointPages), nil)
		return err
	}})
}

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open store.
type DB struct {
	db *sql.DB
	// reads is a second pool, for read transactions (readTx). The driver
	// begins every transaction as _txlock says, whatever
	// sql.TxOptions.ReadOnly asks, so a read transaction on db took the
	// write lock (BEGIN IMMEDIATE): a turn's commit beside it found the
	// store busy and SQLite's busy handler slept 1 ms, then 2, then 5. Its
	// transactions begin deferred and it refuses writes (query_only).
	reads *sql.DB
	path  string
	// Now is the store's clock; tests replace it to fix "now".
	Now    func() time.Time
	writes fifoLock // turns and events, the frequent writes
	// writer is the one connection the writes under writes use, so that its
	// page cache stays warm from one commit to the next (see beginWrite).
	writer   *sql.Conn
	turns    *turnCommitter  // gathers concurrent turns into one commit
	sets     setStore        // suggestion sets stored in parts (suggestion_parts.go)
	versions versionCache    // the shops' versions as last read (versions.go)
	digests  *review.Digests // what the review read of recent chats' turns and shows
}

// Open opens (creating if needed) the store at path and applies every
// migration not yet applied.
//
// Transactions begin IMMEDIATE (_txlock): a deferred read-then-write
// transaction fails with SQLITE_BUSY under concurrent writers instead of
// waiting for the busy timeout.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	// Each connection keeps its prepared statements: a turn runs the same
	// few queries (token, shop version, insert) every time.
	q.Set("_stmt_cache_size", "64")
	sdb, err := sql.Open(writerDriver, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// Keep the connections concurrent requests open (database/sql keeps 2
	// by default): opening one runs its pragmas and loses its statements.
	sdb.SetMaxIdleConns(64)
	db := &DB{db: sdb, path: path, Now: time.Now, writes: newFIFOLock()}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if db.writer, err = writerConn(ctx, sdb); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	q.Set("_txlock", "deferred")
	q.Set("_query_only", "true")
	if db.reads, err = sql.Open("sqlite3", "file:"+path+"?"+q.Encode()); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.reads.SetMaxIdleConns(16)
	db.turns = newTurnCommitter(db)
	db.versions.fresh = versionFresh
	db.digests = review.NewDigests(review.MaxDigestTurns)
	return db, nil
}

// Close closes the store.
func (db *DB) Close() error {
	db.turns.close()
	return errors.Join(db.reads.Close(), db.writer.Close(), db.db.Close())
}

// readTx begins a read transaction: one snapshot for several queries,
// never holding the write lock.
func (db *DB) readTx(ctx context.Context) (*sql.Tx, error) {
	return db.reads.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// beginWrite begins a write transaction on the writer connection. The
// caller holds db.writes, which keeps the connection to one transaction at
// a time.
//
// SQLite drops a connection's page cache whenever another connection has
// written since its last transaction. Taken from the pool, each commit
// landed on whichever connection was free, whose cache the commits made on
// the others had emptied, and read the pages a turn writes back from the
// file. One writer keeps them.
func (db *DB) beginWrite(ctx context.Context) (*writeTx, error) {
	tx, err := begin(ctx, db.writer)
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) {
		// The connection broke: take another rather than fail every
		// write from now on.
		conn, err := writerConn(ctx, db.db)
		if err != nil {
			return nil, err
		}
		db.writer.Close()
		db.writer = conn
		return begin(ctx, conn)
	}
	return tx, err
}

// sqlTx runs a transaction's statements: a *sql.Tx, or a writeTx.
type sqlTx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// writeTx is a transaction on the writer connection, begun and ended by
// statements. database/sql's Tx starts a goroutine for each transaction,
// to roll it back should its context end: one created, parked, woken and
// ended for every commit (about 30 µs of a busy server's CPU a turn, at a
// turn a commit), where the writes under db.writes end their transactions
// themselves (deferred Rollback).
type writeTx struct {
	conn *sql.Conn
	done bool
}

func begin(ctx context.Context, conn *sql.Conn) (*writeTx, error) {
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return nil, err
	}
	return &writeTx{conn: conn}, nil
}

func (t *writeTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.conn.ExecContext(ctx, query, args...)
}

func (t *writeTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.conn.QueryContext(ctx, query, args...)
}

func (t *writeTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.conn.QueryRowContext(ctx, query, args...)
}

// Commit commits; a commit that fails is rolled back, as the driver's
// Commit does (SQLITE_BUSY leaves the transaction open).
func (t *writeTx) Commit() error {
	if t.done {
		return sql.ErrTxDone
	}
	t.done = true
	if _, err := t.conn.ExecContext(context.Background(), `COMMIT`); err != nil {
		t.conn.ExecContext(context.Background(), `ROLLBACK`) // "no transaction is active" if SQLite ended it
		return err
	}
	return nil
}

// Rollback ends the transaction unless it is over: deferred after Commit,
// it does nothing.
func (t *writeTx) Rollback() error {
	if t.done {
		return sql.ErrTxDone
	}
	t.done = true
	_, err := t.conn.ExecContext(context.Background(), `ROLLBACK`)
	return err
}

// writerConn takes the connection the writes under db.writes use from
// the pool. It keeps a statement's journal in memory (temp_store): a
// statement that changes more than 64 KiB of pages, such as the shows'
// inserts of 100 rows, spilled it to a temporary file, two write calls a
// page (BenchmarkRecordPushes: 1.4 write calls a show recorded, 0.7 with
// it). The pool's other connections keep files, for the sorts of
// migrations and backups, which can be big.
func writerConn(ctx context.Context, pool *sql.DB) (*sql.Conn, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// Path is the file the store lives in.
func (db *DB) Path() string { return db.path }

// SQL exposes the handle for packages of this module that keep their own
// tables in the same file (through their own migrations here).
func (db *DB) SQL() *sql.DB { return db.db }

// now returns the store's clock as an RFC 3339 UTC string with nanoseconds.
func (db *DB) now() string { return db.Now().UTC().Format(time.RFC3339Nano) }

// migrate applies migrations/NNN_name.sql in order, each in its own
// transaction, recording each version once applied.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	type mig struct {
		version int
		name    string
	}
	var ms []mig
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("migration %s: name must start with a number and _", base)
		}
		ms = append(ms, mig{v, base})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return fmt.Errorf("migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	for _, m := range ms {
		if err := db.applyMigration(ctx, m.version, m.name); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, version int, name string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile("migrations/" + name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, name, db.now()); err != nil {
		return err
	}
	return tx.Commit()
}
