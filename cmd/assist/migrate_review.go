package main

import (
	"context"
	"fmt"
	"io"

	"assist/kb/postgres"
	"assist/kb/sqlite"
)

// migrateReviewTables are the review's per-conversation rollups, compared
// once both stores have brought them up to date.
var migrateReviewTables = []string{"review_conv", "review_sugg_conv"}

// migrateReview recomputes the review's rollups on the PostgreSQL side
// from the copied turns, events and outcomes (the copy marked every
// conversation), brings the SQLite store's up to date too, and compares
// their rows per table: the same records give the same figures. It
// returns the tables whose counts differ.
func migrateReview(ctx context.Context, src *sqlite.DB, dst *postgres.DB, stdout io.Writer) ([]string, error) {
	shops, err := src.Shops(ctx)
	if err != nil {
		return nil, err
	}
	for _, sh := range shops {
		if _, err := src.RefreshReview(ctx, sh.ID); err != nil {
			return nil, fmt.Errorf("the review of %q in SQLite: %w", sh.Name, err)
		}
		if _, err := dst.RefreshReview(ctx, sh.ID); err != nil {
			return nil, fmt.Errorf("the review of %q in PostgreSQL: %w", sh.Name, err)
		}
	}
	var bad []string
	for _, table := range migrateReviewTables {
		var want int64
		if err := src.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&want); err != nil {
			return nil, fmt.Errorf("count %s in SQLite: %w", table, err)
		}
		got, err := dst.Count(ctx, table)
		if err != nil {
			return nil, err
		}
		mark := "ok (recomputed)"
		if got != want {
			mark = "MISMATCH"
			bad = append(bad, table)
		}
		fmt.Fprintf(stdout, "  %-16s SQLite %8d  PostgreSQL %8d  %s\n", table, want, got, mark)
	}
	return bad, nil
}
