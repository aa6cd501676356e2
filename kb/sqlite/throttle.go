package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The login throttle's counts (web/throttle.go keeps the policy). Kept in
// the store rather than in memory so that the rule reads the same on both
// stores, survives a restart, and is bounded on disk, not in the heap.

// LoginFailures is how many wrong passwords the throttle key has had since
// first, its first one still counted; 0 if none.
func (db *DB) LoginFailures(ctx context.Context, key string) (n int, first time.Time, err error) {
	var at string
	err = db.db.QueryRowContext(ctx, `SELECT failures, first_at FROM login_failures WHERE name_key = ?`, key).Scan(&n, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("read login failures: %w", err)
	}
	if first, err = parseStamp(at); err != nil {
		return 0, time.Time{}, fmt.Errorf("read login failures: first_at %q: %w", at, err)
	}
	return n, first, nil
}

// AddLoginFailure counts a wrong password for key at the time at. A count
// whose first failure is window or more before at starts over, and every
// count that old is dropped.
func (db *DB) AddLoginFailure(ctx context.Context, key string, at time.Time, window time.Duration) error {
	// In line with the turns and events, so a flood of wrong logins never
	// makes a turn's commit sleep in SQLite's busy handler.
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("count a login failure: %w", err)
	}
	defer tx.Rollback()
	now, expired := stamp(at), stamp(at.Add(-window))
	if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (name_key, failures, first_at) VALUES (?, 1, ?)
		ON CONFLICT (name_key) DO UPDATE SET
			failures = CASE WHEN first_at > ? THEN failures + 1 ELSE 1 END,
			first_at = CASE WHEN first_at > ? THEN first_at ELSE excluded.first_at END`,
		key, now, expired, expired); err != nil {
		return fmt.Errorf("count a login failure: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE first_at <= ?`, expired); err != nil {
		return fmt.Errorf("sweep login failures: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("count a login failure: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets key's wrong passwords (after a right one).
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM login_failures WHERE name_key = ?`, key); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}
