package sqlite

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// Committed turns wait in the write-ahead log until a checkpoint moves them
// into the database file.
func TestCheckpointMovesTheLogIntoTheFile(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	before := fileSize(t, db.Path())
	for i := range 50 {
		if err := db.AddTurn(ctx, storedTurn("c1", i, "这双鞋有43码吗")); err != nil {
			t.Fatal(err)
		}
	}
	if got := fileSize(t, db.Path()); got != before {
		t.Fatalf("the database file changed before any checkpoint: %d → %d bytes", before, got)
	}
	ctx2, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	db.CheckpointEvery(ctx2, 50*time.Millisecond, func(err error) { t.Error(err) })
	if got := fileSize(t, db.Path()); got <= before {
		t.Errorf("database file %d bytes after checkpoints, want more than %d", got, before)
	}
}

// A commit that takes the log past SQLite's default of 1000 pages does not
// checkpoint: that is the background's job (CheckpointEvery), so a turn
// never waits for pages being copied and synced. Before, the commit that
// crossed 1000 pages, and every one after it, ran a checkpoint.
func TestCommitsLeaveCheckpointsToTheBackground(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	before := fileSize(t, db.Path())
	const frame = 4096 + 24 // a page and its frame header
	var turns int
	for turns = 0; fileSize(t, db.Path()+"-wal") < 1500*frame; turns++ {
		if turns == 20_000 {
			t.Fatalf("the log is %d bytes after %d turns: not growing as expected", fileSize(t, db.Path()+"-wal"), turns)
		}
		if err := db.AddTurn(ctx, storedTurn(fmt.Sprint("c", turns%50), turns/50, "这双鞋有43码吗")); err != nil {
			t.Fatal(err)
		}
	}
	if got := fileSize(t, db.Path()); got != before {
		t.Fatalf("a commit checkpointed: the database file changed %d → %d bytes over %d turns (log %d bytes)",
			before, got, turns, fileSize(t, db.Path()+"-wal"))
	}
	if err := db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fileSize(t, db.Path()); got <= before {
		t.Errorf("database file %d bytes after a checkpoint, want more than %d", got, before)
	}
}
