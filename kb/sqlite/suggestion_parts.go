package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"assist/kb"
	"assist/kb/setparts"
)

// setStore is what storing suggestion sets in parts (migration 010) keeps:
// the parts read so far; the ids of parts committed, so a turn whose parts
// are all known writes its row alone; and, per turn on its way through a
// group commit, its set cut by AddTurn (keeping that work off the write lock)
// and the ids its transaction gave the parts (known once it commits).
type setStore struct {
	setparts.Memory
	cut   sync.Map // *kb.StoredTurn → *setparts.Split (nil: kept whole)
	ids   sync.Map // *kb.StoredTurn → []int64, the ids of its split's parts
	whole bool     // keep every set whole, as before 010 (to measure the two side by side)
}

// committed is told that t's transaction committed: its parts are known.
func (s *setStore) committed(t *kb.StoredTurn) {
	split, _ := s.cut.Load(t)
	ids, ok := s.ids.Load(t)
	if sp, _ := split.(*setparts.Split); ok && sp != nil {
		s.Known().Add(t.Shop, sp.Parts, ids.([]int64))
	}
}

// setRow is what a turn's row holds beside its set, as the row reads back.
func setRow(t *kb.StoredTurn) setparts.Row {
	return setparts.Row{Conversation: t.Conversation, Index: t.Index, Role: t.Role, Text: t.Text, At: t.At}
}

// setColumns are the suggestions and set_code columns of t's row: its set
// cut into parts (each stored once for the shop), or the set whole when it
// cannot be cut.
func (db *DB) setColumns(ctx context.Context, tx sqlTx, t *kb.StoredTurn) (string, []byte, error) {
	var split *setparts.Split
	if v, ok := db.sets.cut.Load(t); ok {
		split = v.(*setparts.Split)
	} else {
		split = setparts.SplitSet(t.Suggestions, setRow(t))
	}
	if split == nil || db.sets.whole {
		return string(t.Suggestions), nil, nil
	}
	ids := make([]int64, len(split.Parts))
	if db.sets.Known().Lookup(t.Shop, split.Parts, ids) > 0 {
		var err error
		if ids, err = db.partIDs(ctx, tx, t.Shop, split.WithBodies()); err != nil {
			return "", nil, fmt.Errorf("store suggestion parts: %w", err)
		}
	}
	db.sets.ids.Store(t, ids)
	return "", split.Code(ids), nil
}

// partIDs finds or adds each part for shop, inside tx, so a turn rolled
// back takes the parts it added with it.
func (db *DB) partIDs(ctx context.Context, tx sqlTx, shop int64, parts []setparts.Part) ([]int64, error) {
	args := make([]any, 0, len(parts)+1)
	args = append(args, shop)
	for _, p := range parts {
		args = append(args, p.Hash[:])
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, hash FROM suggestion_parts WHERE shop_id = ? AND hash IN (?`+
		strings.Repeat(",?", len(parts)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	found := make(map[[16]byte]int64, len(parts))
	for rows.Next() {
		var id int64
		var hash []byte
		if err := rows.Scan(&id, &hash); err != nil {
			rows.Close()
			return nil, err
		}
		found[[16]byte(hash)] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(parts))
	for i, p := range parts {
		id, ok := found[p.Hash]
		if !ok {
			res, err := tx.ExecContext(ctx, `INSERT INTO suggestion_parts (shop_id, hash, body) VALUES (?, ?, ?)`, shop, p.Hash[:], p.Body)
			if err != nil {
				return nil, err
			}
			if id, err = res.LastInsertId(); err != nil {
				return nil, err
			}
			found[p.Hash] = id
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

// suggestionSet is the set a turn's row holds, for readers of the turns
// table outside this file: plain is its suggestions column, code its
// set_code.
func (db *DB) suggestionSet(ctx context.Context, row setparts.Row, plain string, code []byte) ([]byte, error) {
	if code == nil {
		return []byte(plain), nil
	}
	out, err := db.sets.Cache().JoinAll([]setparts.Stored{{Row: row, Code: code}}, db.fetchParts(ctx))
	if err != nil {
		return nil, fmt.Errorf("read suggestion set of %s/%d: %w", row.Conversation, row.Index, err)
	}
	return out[0], nil
}

// fetchParts reads parts' bodies by id, a few hundred a query.
func (db *DB) fetchParts(ctx context.Context) setparts.Fetch {
	return func(ids []int64) (map[int64][]byte, error) {
		out := make(map[int64][]byte, len(ids))
		for len(ids) > 0 {
			n := min(len(ids), 500)
			args := make([]any, n)
			for i, id := range ids[:n] {
				args[i] = id
			}
			ids = ids[n:]
			rows, err := db.db.QueryContext(ctx, `SELECT id, body FROM suggestion_parts WHERE id IN (?`+strings.Repeat(",?", n-1)+`)`, args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int64
				var body []byte
				if err := rows.Scan(&id, &body); err != nil {
					rows.Close()
					return nil, err
				}
				out[id] = body
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

// CompactSets moves sets stored whole (turns written before migration 010)
// into parts, up to batch turns a transaction, until none is left; it
// reports how many it moved and how many it left whole (sets it cannot
// cut). Each set is checked to read back exactly before its row changes.
// The file keeps its size until VACUUM; new turns reuse the freed pages.
func (db *DB) CompactSets(ctx context.Context, batch int) (moved, kept int, err error) {
	var after int64 // rowid: each turn is looked at once
	for {
		n, last, k, err := db.compactBatch(ctx, after, batch)
		moved, kept = moved+n, kept+k
		if err != nil || last == after {
			return moved, kept, err
		}
		after = last
	}
}

func (db *DB) compactBatch(ctx context.Context, after int64, batch int) (moved int, last int64, kept int, err error) {
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, after, 0, fmt.Errorf("compact sets: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT rowid, `+strings.TrimPrefix(turnColumns, "SELECT ")+`
		WHERE rowid > ? AND set_code IS NULL ORDER BY rowid LIMIT ?`, after, batch)
	if err != nil {
		return 0, after, 0, fmt.Errorf("compact sets: %w", err)
	}
	type whole struct {
		rowid int64
		t     *kb.StoredTurn
	}
	var todo []whole
	last = after
	for rows.Next() {
		var w whole
		var code []byte
		w.t, code, err = scanTurn(rowidFirst{rows, &w.rowid})
		if err != nil {
			rows.Close()
			return 0, after, 0, fmt.Errorf("compact sets: %w", err)
		}
		last = w.rowid
		if code == nil {
			todo = append(todo, w)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, after, 0, fmt.Errorf("compact sets: %w", err)
	}
	for _, w := range todo {
		split := setparts.SplitSet(w.t.Suggestions, setRow(w.t))
		if split == nil {
			kept++
			continue
		}
		ids, err := db.partIDs(ctx, tx, w.t.Shop, split.WithBodies())
		if err != nil {
			return 0, after, 0, fmt.Errorf("compact sets: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE turns SET suggestions = '', set_code = ? WHERE rowid = ?`, split.Code(ids), w.rowid); err != nil {
			return 0, after, 0, fmt.Errorf("compact sets: %w", err)
		}
		moved++
	}
	if err := tx.Commit(); err != nil {
		return 0, after, 0, fmt.Errorf("compact sets: %w", err)
	}
	return moved, last, kept, nil
}

// rowidFirst scans a row whose first column is the rowid, then a turn.
type rowidFirst struct {
	rows  *sql.Rows
	rowid *int64
}

func (r rowidFirst) Scan(dest ...any) error {
	return r.rows.Scan(append([]any{r.rowid}, dest...)...)
}
