package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"assist/kb"
)

// AddTurn records one turn and its suggestion set, creating the conversation
// with its first turn. It commits before returning: a caller may acknowledge
// the turn once AddTurn returns nil. Turns that arrive together share one
// transaction (group commit), each answered after the commit that holds it.
func (db *DB) AddTurn(ctx context.Context, t *kb.StoredTurn) error {
	if t.Shop <= 0 || t.Conversation == "" || t.Index < 0 || len(t.Suggestions) == 0 {
		return kb.Errorf(kb.EInvalid, "turn: a shop, a conversation, an index and a suggestion set are required")
	}
	return db.turns.add(t)
}

// insertTurn writes one turn inside tx: the conversation's line, the turn,
// and its idempotency key if it has one.
func (db *DB) insertTurn(ctx context.Context, tx *sql.Tx, t *kb.StoredTurn) error {
	if err := db.touchConversation(ctx, tx, t); err != nil {
		return fmt.Errorf("add turn %s/%d: %w", t.Conversation, t.Index, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO turns (shop_id, conversation, idx, role, text, product, at, posted_by, suggestions)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.Shop, t.Conversation, t.Index, t.Role, t.Text, t.Product,
		t.At.Format(time.RFC3339Nano), t.PostedBy, string(t.Suggestions))
	if err != nil {
		if strings.Contains(err.Error(), duplicateKeyError) {
			return kb.Errorf(kb.EConflict, "conversation %s already has a turn %d", t.Conversation, t.Index)
		}
		return fmt.Errorf("add turn %s/%d: %w", t.Conversation, t.Index, err)
	}
	if t.IdempotencyKey != "" {
		if err := db.putKey(ctx, tx, t.Shop, t.IdempotencyKey, "turn", t.Conversation, t.Index, ""); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) touchConversation(ctx context.Context, tx *sql.Tx, t *kb.StoredTurn) error {
	now := stamp(db.Now())
	_, err := tx.ExecContext(ctx, `INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at)
		VALUES (?, ?, 1, ?, ?, ?)
		ON CONFLICT (shop_id, id) DO UPDATE SET turns = turns + 1, last_text = excluded.last_text, updated_at = excluded.updated_at`,
		t.Shop, t.Conversation, t.Text, now, now)
	return err
}

// Conversations lists up to limit conversations, the latest updated first.
func (db *DB) Conversations(ctx context.Context, shop int64, limit int) ([]kb.ConversationSummary, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, turns, last_text, updated_at FROM conversations
		WHERE shop_id = ? ORDER BY updated_at DESC, id LIMIT ?`, shop, limit)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	defer rows.Close()
	out := []kb.ConversationSummary{}
	for rows.Next() {
		var c kb.ConversationSummary
		var updated string
		if err := rows.Scan(&c.ID, &c.Turns, &c.LastText, &updated); err != nil {
			return nil, fmt.Errorf("list conversations: %w", err)
		}
		if c.UpdatedAt, err = parseStamp(updated); err != nil {
			return nil, fmt.Errorf("list conversations: %s: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Turns returns a conversation's turns in order; an unknown conversation is
// not_found.
func (db *DB) Turns(ctx context.Context, shop int64, conversation string) ([]kb.StoredTurn, error) {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations WHERE shop_id = ? AND id = ?`, shop, conversation).Scan(&n); err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	if n == 0 {
		return nil, kb.Errorf(kb.ENotFound, "no conversation %q", conversation)
	}
	rows, err := tx.QueryContext(ctx, turnColumns+` WHERE shop_id = ? AND conversation = ? ORDER BY idx`, shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	defer rows.Close()
	out := []kb.StoredTurn{}
	for rows.Next() {
		t, err := scanTurn(rows)
		if err != nil {
			return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// TurnPage returns up to limit turns of a conversation, in order, the last
// ones before turn index before (before < 0: the conversation's last
// turns), and whether older turns remain. It reads only that page, through
// the turns' primary key. An unknown conversation is not_found.
func (db *DB) TurnPage(ctx context.Context, shop int64, conversation string, before, limit int) ([]kb.StoredTurn, bool, error) {
	if limit <= 0 {
		return nil, false, kb.Errorf(kb.EInvalid, "limit %d: want 1 or more", limit)
	}
	if before < 0 {
		before = math.MaxInt32
	}
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations WHERE shop_id = ? AND id = ?`, shop, conversation).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	if n == 0 {
		return nil, false, kb.Errorf(kb.ENotFound, "no conversation %q", conversation)
	}
	// One row past the page tells whether there is more.
	rows, err := tx.QueryContext(ctx, turnPageQuery, shop, conversation, before, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	defer rows.Close()
	out := make([]kb.StoredTurn, 0, min(limit+1, 256))
	for rows.Next() {
		t, err := scanTurn(rows)
		if err != nil {
			return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
		}
		out = append(out, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	slices.Reverse(out)
	return out, more, nil
}

// turnPageQuery walks the turns' primary key back from idx < before.
const turnPageQuery = turnColumns + ` WHERE shop_id = ? AND conversation = ? AND idx < ? ORDER BY idx DESC LIMIT ?`

// Turn returns one stored turn.
func (db *DB) Turn(ctx context.Context, shop int64, conversation string, index int) (*kb.StoredTurn, error) {
	row := db.db.QueryRowContext(ctx, turnColumns+` WHERE shop_id = ? AND conversation = ? AND idx = ?`, shop, conversation, index)
	t, err := scanTurn(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "conversation %q has no turn %d", conversation, index)
	}
	if err != nil {
		return nil, fmt.Errorf("read turn %s/%d: %w", conversation, index, err)
	}
	return t, nil
}

const turnColumns = `SELECT shop_id, conversation, idx, role, text, product, at, posted_by, suggestions FROM turns`

func scanTurn(row interface{ Scan(...any) error }) (*kb.StoredTurn, error) {
	var t kb.StoredTurn
	var at, sugg string
	if err := row.Scan(&t.Shop, &t.Conversation, &t.Index, &t.Role, &t.Text, &t.Product, &at, &t.PostedBy, &sugg); err != nil {
		return nil, err
	}
	var err error
	if t.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return nil, fmt.Errorf("turn %d: at: %w", t.Index, err)
	}
	t.Suggestions = []byte(sugg)
	return &t, nil
}
