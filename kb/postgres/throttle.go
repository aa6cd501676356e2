package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The login throttle's counts (web/throttle.go keeps the policy), shared by
// every instance on the database: five wrong passwords for a name are five
// whichever instances the load balancer sent them to.

// LoginFailures is how many wrong passwords the throttle key has had since
// first, its first one still counted; 0 if none.
func (db *DB) LoginFailures(ctx context.Context, key string) (n int, first time.Time, err error) {
	err = db.pool.QueryRow(ctx, `SELECT failures, first_at FROM login_failures WHERE name_key = $1`, key).Scan(&n, &first)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("read login failures: %w", err)
	}
	return n, first.UTC(), nil
}

// AddLoginFailure counts a wrong password for key at the time at. A count
// whose first failure is window or more before at starts over, and every
// count that old is dropped. Two instances counting at once both count:
// the upsert takes the row's lock.
func (db *DB) AddLoginFailure(ctx context.Context, key string, at time.Time, window time.Duration) error {
	at = at.UTC().Truncate(time.Microsecond)
	expired := at.Add(-window)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO login_failures (name_key, failures, first_at) VALUES ($1, 1, $2)
			ON CONFLICT (name_key) DO UPDATE SET
				failures = CASE WHEN login_failures.first_at > $3 THEN login_failures.failures + 1 ELSE 1 END,
				first_at = CASE WHEN login_failures.first_at > $3 THEN login_failures.first_at ELSE excluded.first_at END`,
			key, at, expired); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE first_at <= $1`, expired)
		return err
	})
	if err != nil {
		return fmt.Errorf("count a login failure: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets key's wrong passwords (after a right one).
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM login_failures WHERE name_key = $1`, key); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}
