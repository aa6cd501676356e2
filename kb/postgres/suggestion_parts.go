package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"assist/kb"
	"assist/kb/setparts"
)

// setStore is what storing suggestion sets in parts (migration 010) keeps:
// the parts read so far, and the ids of parts committed, so a turn whose
// parts are all known looks none up.
type setStore struct {
	setparts.Memory
	whole bool // keep every set whole, as before 010 (to measure the two side by side)
}

// storedSet is how a turn's set went into its row: cut (split, with the
// ids its parts have) or whole (split nil).
type storedSet struct {
	split *setparts.Split
	ids   []int64
}

// committed is told that the transaction holding s committed: its parts
// are known.
func (s *setStore) committed(shop int64, st storedSet) {
	if st.split != nil {
		s.Known().Add(shop, st.split.Parts, st.ids)
	}
}

// setRow is what a turn's row holds beside its set, as the row reads back:
// timestamptz keeps microseconds (pgx drops the rest).
func setRow(t *kb.StoredTurn) setparts.Row {
	return setparts.Row{Conversation: t.Conversation, Index: t.Index, Role: t.Role, Text: t.Text, At: t.At.Truncate(time.Microsecond)}
}

// setColumns are the suggestions and set_code columns of t's row: its set
// cut into parts (each stored once for the shop), or the set whole when it
// cannot be cut.
func (db *DB) setColumns(ctx context.Context, tx pgx.Tx, t *kb.StoredTurn) (string, []byte, storedSet, error) {
	split := setparts.SplitSet(t.Suggestions, setRow(t))
	if split == nil || db.sets.whole {
		return string(t.Suggestions), nil, storedSet{}, nil
	}
	ids := make([]int64, len(split.Parts))
	if db.sets.Known().Lookup(t.Shop, split.Parts, ids) > 0 {
		var err error
		if ids, err = partIDs(ctx, tx, t.Shop, split.WithBodies()); err != nil {
			return "", nil, storedSet{}, fmt.Errorf("store suggestion parts: %w", err)
		}
	}
	return "", split.Code(ids), storedSet{split, ids}, nil
}

// partIDs finds or adds each part for shop, inside tx. Parts are added in
// hash order, so two turns adding the same parts at once wait for each
// other instead of deadlocking; one that another transaction added first
// is found once that one commits.
func partIDs(ctx context.Context, tx pgx.Tx, shop int64, parts []setparts.Part) ([]int64, error) {
	hashes := make([][]byte, len(parts))
	for i, p := range parts {
		hashes[i] = p.Hash[:]
	}
	found := make(map[[16]byte]int64, len(parts))
	lookup := func() error {
		rows, err := tx.Query(ctx, `SELECT id, hash FROM suggestion_parts WHERE shop_id = $1 AND hash = ANY($2)`, shop, hashes)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var hash []byte
			if err := rows.Scan(&id, &hash); err != nil {
				return err
			}
			found[[16]byte(hash)] = id
		}
		return rows.Err()
	}
	if err := lookup(); err != nil {
		return nil, err
	}
	var missing []setparts.Part
	for _, p := range parts {
		if _, ok := found[p.Hash]; !ok && !slices.ContainsFunc(missing, func(m setparts.Part) bool { return m.Hash == p.Hash }) {
			missing = append(missing, p)
		}
	}
	slices.SortFunc(missing, func(a, b setparts.Part) int { return bytes.Compare(a.Hash[:], b.Hash[:]) })
	raced := false
	for _, p := range missing {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO suggestion_parts (shop_id, hash, body) VALUES ($1, $2, $3)
			ON CONFLICT (shop_id, hash) DO NOTHING RETURNING id`, shop, p.Hash[:], p.Body).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			raced = true
			continue
		}
		if err != nil {
			return nil, err
		}
		found[p.Hash] = id
	}
	if raced {
		if err := lookup(); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, len(parts))
	for i, p := range parts {
		id, ok := found[p.Hash]
		if !ok {
			return nil, fmt.Errorf("suggestion part %x neither stored nor found", p.Hash)
		}
		ids[i] = id
	}
	return ids, nil
}

// joinSets puts back the sets of turns stored in parts (codes[i] is turn
// i's set_code; nil for a set stored whole).
func (db *DB) joinSets(ctx context.Context, turns []kb.StoredTurn, codes [][]byte) error {
	return db.sets.Cache().JoinTurns(turns, codes, setRow, db.fetchParts(ctx))
}

// fetchParts reads parts' bodies by id in one query.
func (db *DB) fetchParts(ctx context.Context) setparts.Fetch {
	return func(ids []int64) (map[int64][]byte, error) {
		rows, err := db.pool.Query(ctx, `SELECT id, body FROM suggestion_parts WHERE id = ANY($1)`, ids)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := make(map[int64][]byte, len(ids))
		for rows.Next() {
			var id int64
			var body []byte
			if err := rows.Scan(&id, &body); err != nil {
				return nil, err
			}
			out[id] = body
		}
		return out, rows.Err()
	}
}
