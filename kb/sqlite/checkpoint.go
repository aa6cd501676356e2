package sqlite

import (
	"context"
	"fmt"
	"time"
)

// Checkpoint copies what the write-ahead log holds into the database file
// without waiting for readers or writers (PRAGMA wal_checkpoint(PASSIVE)).
func (db *DB) Checkpoint(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		return fmt.Errorf("checkpoint %s: %w", db.path, err)
	}
	return nil
}

// CheckpointEvery checkpoints at the given interval until ctx ends. Commits
// checkpoint only past autoCheckpointPages (writerDriver), so a server
// taking a steady stream of turns runs this beside them: no turn pays for
// copying pages and their fsync.
func (db *DB) CheckpointEvery(ctx context.Context, every time.Duration, onError func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := db.Checkpoint(ctx); err != nil && ctx.Err() == nil && onError != nil {
				onError(err)
			}
		}
	}
}
