package sqlite

import (
	"context"
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
