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
	"assist/kb/setparts"
)

// AddTurn records one turn and its suggestion set, creating the conversation
// with its first turn. It commits before returning: a caller may acknowledge
// the turn once AddTurn returns nil. Turns that arrive together share one
// transaction (group commit), each answered after the commit that holds it.
func (db *DB) AddTurn(ctx context.Context, t *kb.StoredTurn) error {
	if t.Shop <= 0 || t.Conversation == "" || t.Index < 0 || len(t.Suggestions) == 0 {
		return kb.Errorf(kb.EInvalid, "turn: a shop, a conversation, an index and a suggestion set are required")
	}
	// Cut the set into its parts here, in the caller's goroutine, so the
	// committer only looks the parts up.
	db.sets.cut.Store(t, setparts.SplitSet(t.Suggestions, setRow(t)))
	defer db.sets.cut.Delete(t)
	defer db.sets.ids.Delete(t)
	if err := db.turns.add(t); err != nil {
		return err
	}
	db.sets.committed(t)
	return nil
}

// GroupCommits is how many commits have written turns since the store
// opened, and how many turns they held.
func (db *DB) GroupCommits() (commits, turns int64) {
	return db.turns.commits.Load(), db.turns.committed.Load()
}

// insertTurn writes one turn inside tx: the conversation's line, the turn,
// and its idempotency key if it has one.
func (db *DB) insertTurn(ctx context.Context, tx sqlTx, t *kb.StoredTurn) error {
	if err := db.touchConversation(ctx, tx, t); err != nil {
		return fmt.Errorf("add turn %s/%d: %w", t.Conversation, t.Index, err)
	}
	plain, code, err := db.setColumns(ctx, tx, t)
	if err != nil {
		return fmt.Errorf("add turn %s/%d: %w", t.Conversation, t.Index, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO turns (shop_id, conversation, idx, role, text, product, at, posted_by, suggestions, set_code, buyer_name, assignee)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.Shop, t.Conversation, t.Index, t.Role, t.Text, t.Product,
		t.At.Format(time.RFC3339Nano), t.PostedBy, plain, code, t.BuyerName, t.Assignee)
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

func (db *DB) touchConversation(ctx context.Context, tx sqlTx, t *kb.StoredTurn) error {
	now := stamp(db.Now())
	// Each of buyer, assignee and product keeps its last known value: a turn
	// that does not say leaves it as it was. The upsert leaves alone the
	// columns the lists' indexes hold, as a column an UPDATE sets moves its
	// index entries even to the same value (a page of each index written
	// again every turn): the table's triggers set active_minute when the
	// minute changes (migration 017), and a second statement the assignee
	// when a turn names another.
	_, err := tx.ExecContext(ctx, `INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at, buyer_name, assignee, product)
		VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (shop_id, id) DO UPDATE SET turns = turns + 1, last_text = excluded.last_text, updated_at = excluded.updated_at,
			buyer_name = CASE WHEN excluded.buyer_name != '' THEN excluded.buyer_name ELSE buyer_name END,
			product = CASE WHEN excluded.product != '' THEN excluded.product ELSE product END`,
		t.Shop, t.Conversation, t.Text, now, now, t.BuyerName, t.Assignee, t.Product)
	if err != nil || t.Assignee == "" {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE conversations SET assignee = ?1 WHERE shop_id = ?2 AND id = ?3 AND assignee != ?1`,
		t.Assignee, t.Shop, t.Conversation)
	return err
}

// Conversation is one line of the list, for one conversation; an unknown
// one is not_found.
func (db *DB) Conversation(ctx context.Context, shop int64, id string) (*kb.ConversationSummary, error) {
	row := db.db.QueryRowContext(ctx, conversationColumns+` WHERE shop_id = ? AND id = ?`, shop, id)
	c, err := scanConversation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "没有会话 %q (no conversation)", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", id, err)
	}
	return c, nil
}

const conversationColumns = `SELECT id, turns, last_text, updated_at, buyer_name, product, assignee FROM conversations`

func scanConversation(row interface{ Scan(...any) error }) (*kb.ConversationSummary, error) {
	var c kb.ConversationSummary
	var updated string
	if err := row.Scan(&c.ID, &c.Turns, &c.LastText, &updated, &c.BuyerName, &c.Product, &c.Assignee); err != nil {
		return nil, err
	}
	var err error
	if c.UpdatedAt, err = parseStamp(updated); err != nil {
		return nil, fmt.Errorf("conversation %s: updated_at: %w", c.ID, err)
	}
	return &c, nil
}

// Conversations lists up to limit conversations, the latest updated first.
func (db *DB) Conversations(ctx context.Context, shop int64, limit int) ([]kb.ConversationSummary, error) {
	return db.ConversationsFor(ctx, shop, "", limit)
}

// ConversationsFor lists up to limit conversations of shop, those assigned
// to assignee first, each group the latest updated first; "" is nobody.
//
// Each group is its own query, so that each reads its index in order and
// stops at the limit: one query ordered by "assigned to me" first cannot use
// an index, and sorted every conversation the shop ever had, a year of them,
// each time a panel's list refreshed.
func (db *DB) ConversationsFor(ctx context.Context, shop int64, assignee string, limit int) ([]kb.ConversationSummary, error) {
	out := []kb.ConversationSummary{}
	if limit <= 0 {
		return out, nil
	}
	tx, err := db.readTx(ctx) // both groups from one snapshot
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	defer tx.Rollback()
	if assignee == "" {
		return listConversations(ctx, tx, out, `WHERE shop_id = +? `+latestFirst, shop, limit)
	}
	if out, err = listConversations(ctx, tx, out, `WHERE shop_id = +? AND assignee = +? `+latestFirst,
		shop, assignee, limit); err != nil || len(out) == limit {
		return out, err
	}
	return listConversations(ctx, tx, out, `WHERE shop_id = +? AND assignee != +? `+latestFirst,
		shop, assignee, limit-len(out))
}

// latestFirst orders a list by updated_at, newest first. The indexes hold
// the minute of updated_at (active_minute): SQLite reads one in order and
// sorts each minute's conversations by updated_at, stopping at the limit.
// Bound values are written +? (see unmarked in sqlite.go).
const latestFirst = `ORDER BY active_minute DESC, updated_at DESC, id LIMIT +?`

// listConversations appends the conversations that where picks, in its order.
func listConversations(ctx context.Context, tx *sql.Tx, out []kb.ConversationSummary, where string, args ...any) ([]kb.ConversationSummary, error) {
	rows, err := tx.QueryContext(ctx, conversationColumns+" "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("list conversations: %w", err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	return out, nil
}

// Turns returns a conversation's turns in order; an unknown conversation is
// not_found.
func (db *DB) Turns(ctx context.Context, shop int64, conversation string) ([]kb.StoredTurn, error) {
	// A short read, asked on a chat's first turn: with a context that can
	// end, database/sql starts a goroutine for the transaction and for
	// each query, to end them when it does.
	ctx = context.WithoutCancel(ctx)
	// Most first turns are of a chat the store has never seen: one query
	// says so, without a read transaction.
	var known bool
	if err := db.reads.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conversations WHERE shop_id = ? AND id = ?)`,
		shop, conversation).Scan(&known); err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	if !known {
		return nil, kb.Errorf(kb.ENotFound, "no conversation %q", conversation)
	}
	tx, err := db.readTx(ctx)
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	defer tx.Rollback()
	// The query above said the conversation is there, and a conversation
	// goes only with its shop: its turns and their sets are read in one
	// snapshot, without asking again.
	rows, err := tx.QueryContext(ctx, turnColumns+` WHERE shop_id = ? AND conversation = ? ORDER BY idx`, shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	defer rows.Close()
	out := []kb.StoredTurn{}
	var codes [][]byte
	for rows.Next() {
		t, code, err := scanTurn(rows)
		if err != nil {
			return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
		}
		out = append(out, *t)
		codes = append(codes, code)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	if err := db.joinSets(ctx, out, codes); err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	return out, nil
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
	tx, err := db.readTx(ctx)
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
	var codes [][]byte
	for rows.Next() {
		t, code, err := scanTurn(rows)
		if err != nil {
			return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
		}
		out = append(out, *t)
		codes = append(codes, code)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	more := len(out) > limit
	if more {
		out, codes = out[:limit], codes[:limit]
	}
	if err := db.joinSets(ctx, out, codes); err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	slices.Reverse(out)
	return out, more, nil
}

// turnPageQuery walks the turns' primary key back from idx < before. Bound
// values are written +? (see unmarked in sqlite.go).
const turnPageQuery = turnColumns + ` WHERE shop_id = +? AND conversation = +? AND idx < ? ORDER BY idx DESC LIMIT +?`

// Turn returns one stored turn.
func (db *DB) Turn(ctx context.Context, shop int64, conversation string, index int) (*kb.StoredTurn, error) {
	row := db.db.QueryRowContext(ctx, turnColumns+` WHERE shop_id = ? AND conversation = ? AND idx = ?`, shop, conversation, index)
	t, code, err := scanTurn(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "conversation %q has no turn %d", conversation, index)
	}
	if err != nil {
		return nil, fmt.Errorf("read turn %s/%d: %w", conversation, index, err)
	}
	one := []kb.StoredTurn{*t}
	if err := db.joinSets(ctx, one, [][]byte{code}); err != nil {
		return nil, fmt.Errorf("read turn %s/%d: %w", conversation, index, err)
	}
	return &one[0], nil
}

const turnColumns = `SELECT shop_id, conversation, idx, role, text, product, at, posted_by, suggestions, set_code, buyer_name, assignee FROM turns`

// scanTurn reads a turn's row and its set_code: a set stored in parts is
// joined by joinSets (nil code: Suggestions is the set, stored whole).
func scanTurn(row interface{ Scan(...any) error }) (*kb.StoredTurn, []byte, error) {
	var t kb.StoredTurn
	var at, sugg string
	var code []byte
	if err := row.Scan(&t.Shop, &t.Conversation, &t.Index, &t.Role, &t.Text, &t.Product, &at, &t.PostedBy, &sugg, &code, &t.BuyerName, &t.Assignee); err != nil {
		return nil, nil, err
	}
	var err error
	if t.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return nil, nil, fmt.Errorf("turn %d: at: %w", t.Index, err)
	}
	t.Suggestions = []byte(sugg)
	return &t, code, nil
}
