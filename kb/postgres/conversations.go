package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// AddTurn records one turn and its suggestion set, creating the conversation
// with its first turn. It commits before returning: a caller may acknowledge
// the turn once AddTurn returns nil. A turn index the conversation already
// has is a conflict: two instances answering the same conversation at once
// cannot both number a turn n; the second learns it and starts again from
// the log. Once Announce was called, the commit also tells every listening
// instance (in commit order, and only if it commits).
func (db *DB) AddTurn(ctx context.Context, t *kb.StoredTurn) error {
	if t.Shop <= 0 || t.Conversation == "" || t.Index < 0 || len(t.Suggestions) == 0 {
		return kb.Errorf(kb.EInvalid, "turn: a shop, a conversation, an index and a suggestion set are required")
	}
	var set storedSet
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.now()
		// The conversation row is locked by this upsert until commit, so
		// turns of one conversation commit one after another.
		// Each of buyer, assignee and product keeps its last known value:
		// a turn that does not say leaves it as it was.
		_, err := tx.Exec(ctx, `INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at, buyer_name, assignee, product)
			VALUES ($1, $2, 1, $3, $4, $4, $5, $6, $7)
			ON CONFLICT (shop_id, id) DO UPDATE SET turns = conversations.turns + 1,
				last_text = excluded.last_text, updated_at = excluded.updated_at,
				buyer_name = CASE WHEN excluded.buyer_name <> '' THEN excluded.buyer_name ELSE conversations.buyer_name END,
				assignee = CASE WHEN excluded.assignee <> '' THEN excluded.assignee ELSE conversations.assignee END,
				product = CASE WHEN excluded.product <> '' THEN excluded.product ELSE conversations.product END`,
			t.Shop, t.Conversation, t.Text, now, t.BuyerName, t.Assignee, t.Product)
		if err != nil {
			return err
		}
		plain, code, cut, err := db.setColumns(ctx, tx, t)
		if err != nil {
			return err
		}
		set = cut
		_, err = tx.Exec(ctx, `INSERT INTO turns (shop_id, conversation, idx, role, text, product, at, posted_by, suggestions, set_code, buyer_name, assignee)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, t.Shop, t.Conversation, t.Index, t.Role, t.Text, t.Product,
			t.At, t.PostedBy, plain, code, t.BuyerName, t.Assignee)
		if isCode(err, uniqueViolation) {
			return kb.Errorf(kb.EConflict, "conversation %s already has a turn %d", t.Conversation, t.Index)
		}
		if err != nil {
			return err
		}
		if t.IdempotencyKey != "" {
			if err := db.putKey(ctx, tx, t.Shop, t.IdempotencyKey, "turn", t.Conversation, t.Index, ""); err != nil {
				return err
			}
		}
		if db.origin == "" {
			return nil
		}
		payload, err := json.Marshal(TurnNotice{Origin: db.origin, Shop: t.Shop, Conversation: t.Conversation, Index: t.Index})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, db.channel, string(payload))
		return err
	})
	if err != nil && kb.ErrorCode(err) == kb.EInternal {
		if isCode(err, foreignKeyViolation) {
			return kb.Errorf(kb.ENotFound, "no shop %d in the store", t.Shop)
		}
		return fmt.Errorf("add turn %s/%d: %w", t.Conversation, t.Index, err)
	}
	if err == nil {
		db.sets.committed(t.Shop, set)
	}
	return err
}

// Conversation is one line of the list, for one conversation; an unknown
// one is not_found.
func (db *DB) Conversation(ctx context.Context, shop int64, id string) (*kb.ConversationSummary, error) {
	rows, err := db.pool.Query(ctx, conversationColumns+` WHERE shop_id = $1 AND id = $2`, shop, id)
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", id, err)
	}
	c, err := pgx.CollectOneRow(rows, scanConversation)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "没有会话 %q (no conversation)", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", id, err)
	}
	return &c, nil
}

const conversationColumns = `SELECT id, turns, last_text, updated_at, buyer_name, product, assignee FROM conversations`

func scanConversation(r pgx.CollectableRow) (kb.ConversationSummary, error) {
	var c kb.ConversationSummary
	err := r.Scan(&c.ID, &c.Turns, &c.LastText, &c.UpdatedAt, &c.BuyerName, &c.Product, &c.Assignee)
	c.UpdatedAt = c.UpdatedAt.UTC()
	return c, err
}

// Conversations lists up to limit conversations, the latest updated first.
func (db *DB) Conversations(ctx context.Context, shop int64, limit int) ([]kb.ConversationSummary, error) {
	return db.ConversationsFor(ctx, shop, "", limit)
}

// ConversationsFor lists up to limit conversations of shop, those assigned
// to assignee first, each group the latest updated first; "" is nobody.
//
// Each group is its own branch, so that each reads its index in order and
// stops at the limit (the indexes hold the minute of updated_at, migration
// 016: a branch sorts within a minute only): ordered by "assigned to me"
// first, one query cannot use an index, and sorted every conversation the
// shop ever had each time a panel's list refreshed.
func (db *DB) ConversationsFor(ctx context.Context, shop int64, assignee string, limit int) ([]kb.ConversationSummary, error) {
	if limit <= 0 {
		return []kb.ConversationSummary{}, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT id, turns, last_text, updated_at, buyer_name, product, assignee FROM (
		(SELECT *, 0 AS grp FROM conversations WHERE shop_id = $1 AND $2 <> '' AND assignee = $2
			ORDER BY active_minute DESC, updated_at DESC, id COLLATE "C" LIMIT $3)
		UNION ALL
		(SELECT *, 1 AS grp FROM conversations WHERE shop_id = $1 AND ($2 = '' OR assignee <> $2)
			ORDER BY active_minute DESC, updated_at DESC, id COLLATE "C" LIMIT $3)
		) listed ORDER BY grp, updated_at DESC, id COLLATE "C" LIMIT $3`, shop, assignee, limit)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanConversation)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	return out, nil
}

// Turns returns a conversation's turns in order; an unknown conversation is
// not_found.
func (db *DB) Turns(ctx context.Context, shop int64, conversation string) ([]kb.StoredTurn, error) {
	rows, err := db.pool.Query(ctx, turnColumns+` WHERE shop_id = $1 AND conversation = $2 ORDER BY idx`, shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	out, err := db.collectTurns(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	// A conversation is created with its first turn and its turns go with
	// it, so no turns means no conversation.
	if len(out) == 0 {
		return nil, kb.Errorf(kb.ENotFound, "no conversation %q", conversation)
	}
	return out, nil
}

// TurnPage returns up to limit turns of a conversation, in order, the last
// ones before turn index before (before < 0: the conversation's last
// turns), and whether older turns remain. An unknown conversation is
// not_found.
func (db *DB) TurnPage(ctx context.Context, shop int64, conversation string, before, limit int) ([]kb.StoredTurn, bool, error) {
	if limit <= 0 {
		return nil, false, kb.Errorf(kb.EInvalid, "limit %d: want 1 or more", limit)
	}
	if before < 0 {
		before = math.MaxInt32
	}
	var exists bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conversations WHERE shop_id = $1 AND id = $2)`, shop, conversation).Scan(&exists)
	if err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	if !exists {
		return nil, false, kb.Errorf(kb.ENotFound, "no conversation %q", conversation)
	}
	// One row past the page tells whether there is more.
	rows, err := db.pool.Query(ctx, turnColumns+` WHERE shop_id = $1 AND conversation = $2 AND idx < $3 ORDER BY idx DESC LIMIT $4`,
		shop, conversation, before, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	out, err := db.collectTurns(ctx, rows)
	if err != nil {
		return nil, false, fmt.Errorf("read conversation %s: %w", conversation, err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	slices.Reverse(out)
	return out, more, nil
}

// Turn returns one stored turn.
func (db *DB) Turn(ctx context.Context, shop int64, conversation string, index int) (*kb.StoredTurn, error) {
	rows, err := db.pool.Query(ctx, turnColumns+` WHERE shop_id = $1 AND conversation = $2 AND idx = $3`, shop, conversation, index)
	if err != nil {
		return nil, fmt.Errorf("read turn %s/%d: %w", conversation, index, err)
	}
	out, err := db.collectTurns(ctx, rows)
	if err == nil && len(out) == 0 {
		return nil, kb.Errorf(kb.ENotFound, "conversation %q has no turn %d", conversation, index)
	}
	if err != nil {
		return nil, fmt.Errorf("read turn %s/%d: %w", conversation, index, err)
	}
	return &out[0], nil
}

const turnColumns = `SELECT shop_id, conversation, idx, role, text, product, at, posted_by, suggestions, set_code, buyer_name, assignee FROM turns`

// collectTurns reads turn rows and joins the sets stored in parts.
func (db *DB) collectTurns(ctx context.Context, rows pgx.Rows) ([]kb.StoredTurn, error) {
	var codes [][]byte
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.StoredTurn, error) {
		var t kb.StoredTurn
		var sugg string
		var code []byte
		err := r.Scan(&t.Shop, &t.Conversation, &t.Index, &t.Role, &t.Text, &t.Product, &t.At, &t.PostedBy, &sugg, &code, &t.BuyerName, &t.Assignee)
		t.At = t.At.UTC()
		t.Suggestions = []byte(sugg)
		codes = append(codes, code)
		return t, err
	})
	if err != nil {
		return nil, err
	}
	if err := db.joinSets(ctx, out, codes); err != nil {
		return nil, err
	}
	return out, nil
}

// TurnKey names one turn.
type TurnKey struct {
	Shop         int64
	Conversation string
	Index        int
}

// SuggestionSets reads the stored suggestion sets of many turns in one
// query; a turn not stored is absent from the map.
func (db *DB) SuggestionSets(ctx context.Context, keys []TurnKey) (map[TurnKey][]byte, error) {
	shops := make([]int64, len(keys))
	convs := make([]string, len(keys))
	idxs := make([]int32, len(keys))
	for i, k := range keys {
		shops[i], convs[i], idxs[i] = k.Shop, k.Conversation, int32(k.Index)
	}
	rows, err := db.pool.Query(ctx, `SELECT t.shop_id, t.conversation, t.idx, t.role, t.text, t.product, t.at, t.posted_by,
		t.suggestions, t.set_code, t.buyer_name, t.assignee FROM turns t
		JOIN unnest($1::bigint[], $2::text[], $3::integer[]) AS k(shop_id, conversation, idx)
		  ON t.shop_id = k.shop_id AND t.conversation = k.conversation AND t.idx = k.idx`, shops, convs, idxs)
	if err != nil {
		return nil, fmt.Errorf("read suggestion sets: %w", err)
	}
	turns, err := db.collectTurns(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("read suggestion sets: %w", err)
	}
	out := make(map[TurnKey][]byte, len(keys))
	for _, t := range turns {
		out[TurnKey{t.Shop, t.Conversation, t.Index}] = t.Suggestions
	}
	return out, nil
}

// LastTurns is the index of the last stored turn of each conversation
// named (shop and conversation of each key; the index is ignored); a
// conversation with no turn is absent.
func (db *DB) LastTurns(ctx context.Context, keys []TurnKey) (map[TurnKey]int, error) {
	shops := make([]int64, len(keys))
	convs := make([]string, len(keys))
	for i, k := range keys {
		shops[i], convs[i] = k.Shop, k.Conversation
	}
	rows, err := db.pool.Query(ctx, `SELECT c.shop_id, c.id, c.turns - 1 FROM conversations c
		JOIN unnest($1::bigint[], $2::text[]) AS k(shop_id, id) ON c.shop_id = k.shop_id AND c.id = k.id`, shops, convs)
	if err != nil {
		return nil, fmt.Errorf("read last turns: %w", err)
	}
	defer rows.Close()
	out := make(map[TurnKey]int, len(keys))
	for rows.Next() {
		var k TurnKey
		var last int
		if err := rows.Scan(&k.Shop, &k.Conversation, &last); err != nil {
			return nil, fmt.Errorf("read last turns: %w", err)
		}
		out[k] = last
	}
	return out, rows.Err()
}
