package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"assist/kb"
)

// Turns committed together stay apart in their outcome: a duplicate index
// fails alone, every other turn of the same moment is stored, and each
// writer is answered only once its turn is committed (it reads it back).
func TestGroupCommitKeepsTurnsApart(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	if err := db.AddTurn(ctx, storedTurn("dup", 0, "在吗")); err != nil {
		t.Fatal(err)
	}
	const writers = 32
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			turn := storedTurn(fmt.Sprintf("c%d", w), 0, "这款有优惠吗")
			if w%8 == 0 {
				turn = storedTurn("dup", 0, "再问一次") // index 0 is taken
			}
			if errs[w] = db.AddTurn(ctx, turn); errs[w] != nil {
				return
			}
			if _, err := db.Turn(ctx, 1, turn.Conversation, 0); err != nil {
				errs[w] = fmt.Errorf("answered before its commit: %w", err)
			}
		}(w)
	}
	wg.Wait()
	for w, err := range errs {
		switch {
		case w%8 == 0 && kb.ErrorCode(err) != kb.EConflict:
			t.Errorf("writer %d (duplicate): %v, want conflict", w, err)
		case w%8 != 0 && err != nil:
			t.Errorf("writer %d: %v", w, err)
		}
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM turns`).Scan(&n); err != nil || n != 1+writers-writers/8 {
		t.Errorf("stored %d turns, %v; want %d", n, err, 1+writers-writers/8)
	}
	// A refused turn leaves nothing behind: the conversation's count is
	// the one turn it holds, however its group was written.
	if c, err := db.Conversation(ctx, 1, "dup"); err != nil || c.Turns != 1 {
		t.Errorf("conversation dup: %+v, %v; want 1 turn", c, err)
	}
}

// After Close, a turn is refused, not left waiting.
func TestAddTurnAfterClose(t *testing.T) {
	db := openWithShop(t)
	db.Close()
	if err := db.AddTurn(context.Background(), storedTurn("c", 0, "在吗")); err == nil {
		t.Error("a turn after Close was accepted")
	}
}

// A read transaction (a conversation loaded, a shop read whole) never holds
// the write lock: a turn commits while one is open. The driver begins every
// transaction IMMEDIATE on the main pool, whatever ReadOnly says; there the
// turn below waited the whole busy timeout and failed "database is locked".
func TestReadTransactionsLeaveTheWriteLock(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	if err := db.AddTurn(ctx, storedTurn("read", 0, "在吗")); err != nil {
		t.Fatal(err)
	}
	tx, err := db.readTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM turns`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("read in the transaction: %d turns, %v", n, err)
	}
	done := make(chan error, 1)
	go func() { done <- db.AddTurn(ctx, storedTurn("write", 0, "有货吗")) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("a turn beside an open read transaction: %v", err)
		}
	case <-time.After(2 * time.Second): // the busy timeout is 5 s
		t.Fatal("a turn waited for an open read transaction")
	}
	// The read transaction keeps its snapshot, and writes nothing.
	if err := tx.QueryRow(`SELECT COUNT(*) FROM turns`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the snapshot moved: %d turns, %v; want 1", n, err)
	}
	if _, err := tx.Exec(`DELETE FROM turns`); err == nil {
		t.Error("a read transaction wrote")
	}
}
