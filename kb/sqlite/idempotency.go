package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"assist/kb"
)

// putKey records an idempotency key in tx, beside the turn or event it
// names. A key the shop used already is a conflict.
func (db *DB) putKey(ctx context.Context, tx sqlTx, shop int64, key, kind, conv string, turn int, request string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (shop_id, key, kind, conversation, turn, request, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, shop, key, kind, conv, turn, request, stamp(db.Now()))
	if err != nil {
		if strings.Contains(err.Error(), duplicateKeyError) {
			return keyConflict(key)
		}
		return fmt.Errorf("keep idempotency key: %w", err)
	}
	return nil
}

func keyConflict(key string) error {
	return kb.Errorf(kb.EConflict, "幂等键 %q 已用于另一个请求,请换一个新键 (Idempotency-Key already used for a different request)", key)
}

// TurnByKey returns the turn that was committed with this idempotency key
// in shop; not_found if none was, conflict if the key named an event.
func (db *DB) TurnByKey(ctx context.Context, shop int64, key string) (*kb.StoredTurn, error) {
	var kind, conv string
	var idx int
	err := db.db.QueryRowContext(ctx, `SELECT kind, conversation, turn FROM idempotency_keys WHERE shop_id = ? AND key = ?`,
		shop, key).Scan(&kind, &conv, &idx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "no turn with idempotency key %q", key)
	}
	if err != nil {
		return nil, fmt.Errorf("read idempotency key: %w", err)
	}
	if kind != "turn" {
		return nil, keyConflict(key)
	}
	t, err := db.Turn(ctx, shop, conv, idx)
	if err != nil {
		return nil, err
	}
	t.IdempotencyKey = key
	return t, nil
}

// AddEventOnce records e under an idempotency key, in one transaction with
// the key. A retry (the same key, the same event) records nothing and
// reports replayed; the same key with another request is a conflict.
func (db *DB) AddEventOnce(ctx context.Context, key string, e kb.Event) (replayed bool, err error) {
	if key == "" {
		return false, db.AddEvents(ctx, e)
	}
	if err := validEvent(e); err != nil {
		return false, err
	}
	request := eventRequest(e)
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("add event: %w", err)
	}
	defer tx.Rollback()
	var kind, prev string
	err = tx.QueryRowContext(ctx, `SELECT kind, request FROM idempotency_keys WHERE shop_id = ? AND key = ?`, e.Shop, key).
		Scan(&kind, &prev)
	switch {
	case err == nil && kind == "event" && prev == request:
		return true, nil
	case err == nil:
		return false, keyConflict(key)
	case !errors.Is(err, sql.ErrNoRows):
		return false, fmt.Errorf("read idempotency key: %w", err)
	}
	if err := db.insertEvents(ctx, tx, []kb.Event{e}); err != nil {
		return false, fmt.Errorf("add event: %w", err)
	}
	if err := db.putKey(ctx, tx, e.Shop, key, "event", e.Conversation, e.Turn, request); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("add event: %w", err)
	}
	return false, nil
}

// eventRequest is what makes two events the same request: everything but
// the time.
func eventRequest(e kb.Event) string {
	return strings.Join([]string{e.Conversation, strconv.Itoa(e.Turn), e.Agent, e.SuggestionID, e.Kind, string(e.Action)}, "\x1f")
}
