package sqlite

import (
	"context"
	"database/sql"
	"testing"
)

// Turns, events and shows commit on one connection, whatever the pool's
// other connections are doing, so its page cache survives from one commit
// to the next. A TEMP table, which only its own connection sees, marks it.
func TestWritesKeepTheirConnection(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	write := func(stmt string) error {
		return db.inWriteTx(ctx, func(tx sqlTx) error {
			_, err := tx.ExecContext(ctx, stmt)
			return err
		})
	}
	if err := write(`CREATE TEMP TABLE writer_mark (x)`); err != nil {
		t.Fatal(err)
	}
	// Hold the pool's idle connections, as concurrent requests do.
	for range 3 {
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT count(*) FROM shops`); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if err := db.AddTurn(ctx, storedTurn("c1", i, "这款有优惠吗")); err != nil {
			t.Fatal(err)
		}
	}
	if err := write(`INSERT INTO temp.writer_mark VALUES (1)`); err != nil {
		t.Errorf("a later write did not run on the connection of the first: %v", err)
	}
}

// A writer connection that broke is replaced: writes go on, and the new
// writer keeps its statement journals in memory as the first did.
func TestWritesOutliveABrokenConnection(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	tempStore := func() int {
		t.Helper()
		db.writes.Lock()
		defer db.writes.Unlock()
		var mode int
		if err := db.writer.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		return mode
	}
	if got := tempStore(); got != 2 {
		t.Errorf("writer's temp_store = %d, want 2 (memory)", got)
	}
	db.writes.Lock()
	db.writer.Close()
	db.writes.Unlock()
	for i := range 2 {
		if err := db.AddTurn(ctx, storedTurn("c1", i, "在吗")); err != nil {
			t.Fatalf("turn %d after the writer broke: %v", i, err)
		}
	}
	if got := tempStore(); got != 2 {
		t.Errorf("new writer's temp_store = %d, want 2 (memory)", got)
	}
}

// A write transaction whose COMMIT fails ends rolled back: nothing of it is
// kept, and the writer connection begins the next one. A foreign key
// checked at commit (defer_foreign_keys) fails the COMMIT and leaves
// SQLite's transaction open, the case the driver's Commit rolls back too.
func TestAFailedCommitIsRolledBack(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	err := db.inWriteTx(ctx, func(tx sqlTx) error {
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO turns (shop_id, conversation, idx, role, text, at, suggestions)
			VALUES (1, 'no-such-chat', 0, 'buyer', '在吗', '2026-12-02T10:00:00Z', '{}')`)
		return err
	})
	if err == nil {
		t.Fatal("a turn of a conversation that does not exist committed")
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM turns WHERE conversation = 'no-such-chat'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after the failed commit: %d turns kept (%v), want 0", n, err)
	}
	if err := db.AddTurn(ctx, storedTurn("c1", 0, "在吗")); err != nil {
		t.Errorf("the write after a failed commit: %v", err)
	}
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.beginWrite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != sql.ErrTxDone {
		t.Errorf("Rollback after Commit = %v, want sql.ErrTxDone", err)
	}
}
