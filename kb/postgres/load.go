package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// Loader copies rows into an empty store, inside Load's transaction.
type Loader struct {
	tx   pgx.Tx
	keep map[string]int64 // table → an id the identity must stay above
}

// Copy copies rows into table, columns in the given order, and returns how
// many rows it copied.
func (l *Loader) Copy(ctx context.Context, table string, columns []string, rows pgx.CopyFromSource) (int64, error) {
	n, err := l.tx.CopyFrom(ctx, pgx.Identifier{table}, columns, rows)
	if err != nil {
		return n, fmt.Errorf("copy %s: %w", table, err)
	}
	return n, nil
}

// KeepIDsAbove makes the store number the table's next rows above id even
// if no copied row reaches it: a token id once issued, then revoked, is
// never issued again.
func (l *Loader) KeepIDsAbove(table string, id int64) { l.keep[table] = max(l.keep[table], id) }

// identityTables are the tables whose ids the store hands out.
var identityTables = []string{"shops", "users", "api_tokens", "events", "flags", "shop_examples", "personal_phrases", "suggestion_parts", "shows"}

// Load fills an empty store in one transaction: fn copies the rows, then
// each table's identity is moved past the ids copied, so new rows never take
// an id already used. A store that holds a shop or a user is refused.
func (db *DB) Load(ctx context.Context, fn func(*Loader) error) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var shops, users int
		if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM shops), (SELECT COUNT(*) FROM users)`).Scan(&shops, &users); err != nil {
			return err
		}
		if shops > 0 || users > 0 {
			return kb.Errorf(kb.EConflict, "the PostgreSQL store is not empty (%d shops, %d users): load into a new database", shops, users)
		}
		l := &Loader{tx: tx, keep: map[string]int64{}}
		if err := fn(l); err != nil {
			return err
		}
		for _, table := range identityTables {
			ident := pgx.Identifier{table}.Sanitize()
			_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'),
				GREATEST((SELECT COALESCE(MAX(id), 0) FROM `+ident+`), $2) + 1, false)`, table, l.keep[table])
			if err != nil {
				return fmt.Errorf("number %s after the copied rows: %w", table, err)
			}
		}
		return nil
	})
}

// Count is the number of rows in one of the store's tables.
func (db *DB) Count(ctx context.Context, table string) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT COUNT(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// Migrations lists the versions of the migrations applied, in order.
func (db *DB) Migrations(ctx context.Context) ([]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}
