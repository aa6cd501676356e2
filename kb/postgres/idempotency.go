package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// putKey records an idempotency key in tx, beside the turn or event it
// names. A key the shop used already is a conflict.
func (db *DB) putKey(ctx context.Context, tx pgx.Tx, shop int64, key, kind, conv string, turn int, request string) error {
	_, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (shop_id, key, kind, conversation, turn, request, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, shop, key, kind, conv, turn, request, db.now())
	if isCode(err, uniqueViolation) {
		return keyConflict(key)
	}
	if err != nil {
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
	err := db.pool.QueryRow(ctx, `SELECT kind, conversation, turn FROM idempotency_keys WHERE shop_id = $1 AND key = $2`,
		shop, key).Scan(&kind, &conv, &idx)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// Two instances taking the same retry at once: the key's row is
		// inserted first, so the second waits for the first and then
		// finds it.
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (shop_id, key, kind, conversation, turn, request, created_at)
			VALUES ($1, $2, 'event', $3, $4, $5, $6) ON CONFLICT (shop_id, key) DO NOTHING`,
			e.Shop, key, e.Conversation, e.Turn, request, db.now())
		if err != nil {
			return fmt.Errorf("keep idempotency key: %w", err)
		}
		if tag.RowsAffected() == 0 {
			var kind, prev string
			if err := tx.QueryRow(ctx, `SELECT kind, request FROM idempotency_keys WHERE shop_id = $1 AND key = $2`,
				e.Shop, key).Scan(&kind, &prev); err != nil {
				return fmt.Errorf("read idempotency key: %w", err)
			}
			if kind == "event" && prev == request {
				replayed = true
				return nil
			}
			return keyConflict(key)
		}
		at := e.At
		if at.IsZero() {
			at = db.now()
		}
		_, err = tx.Exec(ctx, `INSERT INTO events (shop_id, conversation, turn, agent, suggestion_id, kind, action, at, typed, edited)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, e.Shop, e.Conversation, e.Turn, e.Agent, e.SuggestionID, e.Kind,
			string(e.Action), at, flag(e.Typed), flag(e.Edited))
		if err != nil {
			return fmt.Errorf("add event: %w", err)
		}
		return nil
	})
	return replayed, err
}

// eventRequest is what makes two events the same request: everything but
// the time (kb/sqlite's encoding, so a migrated key still recognises its
// retry).
func eventRequest(e kb.Event) string {
	return strings.Join([]string{e.Conversation, strconv.Itoa(e.Turn), e.Agent, e.SuggestionID, e.Kind, string(e.Action)}, "\x1f")
}
