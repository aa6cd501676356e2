package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"assist/kb"
)

// AddOutcome records an outcome the chat platform posted. The platform's id
// makes it idempotent: the same outcome again is accepted and not counted
// twice (created is false); a different outcome under an id already taken
// is kb.EConflict. The outcome must be valid (kb.Outcome.Validate).
func (db *DB) AddOutcome(ctx context.Context, shop int64, o *kb.Outcome) (created bool, err error) {
	if err := o.Validate(); err != nil {
		return false, err
	}
	details, err := json.Marshal(o)
	if err != nil {
		return false, fmt.Errorf("add outcome %s: %w", o.ID, err)
	}
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("add outcome %s: %w", o.ID, err)
	}
	defer tx.Rollback()
	old, err := outcomeTx(ctx, tx, shop, o.ID)
	switch {
	case err == nil:
		if old.Same(o) {
			return false, nil
		}
		return false, kb.Errorf(kb.EConflict, "结果 id %q 已记录为不同的内容(%s,%s);同一 id 只能重发相同的内容 (outcome id already used with a different body)",
			o.ID, old.Kind, old.Conversation)
	case kb.ErrorCode(err) != kb.ENotFound:
		return false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outcomes (shop_id, id, conversation, kind, at, amount, details, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, shop, o.ID, o.Conversation, string(o.Kind), stamp(o.At), int64(o.Amount),
		string(details), db.now())
	if err != nil {
		return false, fmt.Errorf("add outcome %s: %w", o.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("add outcome %s: %w", o.ID, err)
	}
	return true, nil
}

func outcomeTx(ctx context.Context, tx *sql.Tx, shop int64, id string) (*kb.Outcome, error) {
	var details string
	err := tx.QueryRowContext(ctx, `SELECT details FROM outcomes WHERE shop_id = ? AND id = ?`, shop, id).Scan(&details)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "no outcome %q", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read outcome %s: %w", id, err)
	}
	var o kb.Outcome
	if err := json.Unmarshal([]byte(details), &o); err != nil {
		return nil, fmt.Errorf("read outcome %s: %w", id, err)
	}
	return &o, nil
}

// Outcomes lists a conversation's outcomes by time.
func (db *DB) Outcomes(ctx context.Context, shop int64, conversation string) ([]kb.Outcome, error) {
	return db.outcomesOf(ctx, db.db, shop, conversation)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (db *DB) outcomesOf(ctx context.Context, q querier, shop int64, conversation string) ([]kb.Outcome, error) {
	rows, err := q.QueryContext(ctx, `SELECT details FROM outcomes WHERE shop_id = ? AND conversation = ? ORDER BY at, id`,
		shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read outcomes of %s: %w", conversation, err)
	}
	defer rows.Close()
	out := []kb.Outcome{}
	for rows.Next() {
		var details string
		var o kb.Outcome
		if err := rows.Scan(&details); err != nil {
			return nil, fmt.Errorf("read outcomes of %s: %w", conversation, err)
		}
		if err := json.Unmarshal([]byte(details), &o); err != nil {
			return nil, fmt.Errorf("read outcomes of %s: %w", conversation, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
