package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// AddOutcome records an outcome the chat platform posted. The platform's id
// makes it idempotent, across instances too: the same outcome again is
// accepted and not counted twice (created is false); a different outcome
// under an id already taken is kb.EConflict. The outcome must be valid
// (kb.Outcome.Validate).
func (db *DB) AddOutcome(ctx context.Context, shop int64, o *kb.Outcome) (created bool, err error) {
	if err := o.Validate(); err != nil {
		return false, err
	}
	details, err := json.Marshal(o)
	if err != nil {
		return false, fmt.Errorf("add outcome %s: %w", o.ID, err)
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// Two instances taking the same retry at once: the second insert
		// waits for the first to commit, then does nothing and reads it.
		tag, err := tx.Exec(ctx, `INSERT INTO outcomes (shop_id, id, conversation, kind, at, amount, details, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (shop_id, id) DO NOTHING`,
			shop, o.ID, o.Conversation, string(o.Kind), o.At, int64(o.Amount), string(details), db.now())
		if isCode(err, foreignKeyViolation) {
			return kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			created = true
			return nil
		}
		old, err := outcomeTx(ctx, tx, shop, o.ID)
		if err != nil {
			return err
		}
		if !old.Same(o) {
			return kb.Errorf(kb.EConflict, "结果 id %q 已记录为不同的内容(%s,%s);同一 id 只能重发相同的内容 (outcome id already used with a different body)",
				o.ID, old.Kind, old.Conversation)
		}
		return nil
	})
	if err != nil && kb.ErrorCode(err) == kb.EInternal {
		return false, fmt.Errorf("add outcome %s: %w", o.ID, err)
	}
	return created, err
}

func outcomeTx(ctx context.Context, tx pgx.Tx, shop int64, id string) (*kb.Outcome, error) {
	var details string
	err := tx.QueryRow(ctx, `SELECT details FROM outcomes WHERE shop_id = $1 AND id = $2`, shop, id).Scan(&details)
	if errors.Is(err, pgx.ErrNoRows) {
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
	rows, err := db.pool.Query(ctx, `SELECT details FROM outcomes WHERE shop_id = $1 AND conversation = $2
		ORDER BY at, id COLLATE "C"`, shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read outcomes of %s: %w", conversation, err)
	}
	out, err := pgx.CollectRows(rows, scanOutcome)
	if err != nil {
		return nil, fmt.Errorf("read outcomes of %s: %w", conversation, err)
	}
	return out, nil
}

// scanOutcome reads the details column: the whole outcome as posted.
func scanOutcome(r pgx.CollectableRow) (kb.Outcome, error) {
	var details string
	var o kb.Outcome
	if err := r.Scan(&details); err != nil {
		return o, err
	}
	return o, json.Unmarshal([]byte(details), &o)
}

// ConversationEvents returns a conversation's events with their typed and
// edited flags, in the order they were recorded.
func (db *DB) ConversationEvents(ctx context.Context, shop int64, conversation string) ([]kb.Event, error) {
	rows, err := db.pool.Query(ctx, `SELECT shop_id, conversation, turn, agent, suggestion_id, kind, action, typed, edited, at
		FROM events WHERE shop_id = $1 AND conversation = $2 ORDER BY id`, shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", conversation, err)
	}
	out, err := pgx.CollectRows(rows, scanTypedEvent)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", conversation, err)
	}
	return out, nil
}

func scanTypedEvent(r pgx.CollectableRow) (kb.Event, error) {
	var e kb.Event
	var action string
	var typed, edited int
	err := r.Scan(&e.Shop, &e.Conversation, &e.Turn, &e.Agent, &e.SuggestionID, &e.Kind, &action, &typed, &edited, &e.At)
	e.Action, e.At, e.Typed, e.Edited = kb.Action(action), e.At.UTC(), typed != 0, edited != 0
	return e, err
}
