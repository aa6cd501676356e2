package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"assist/kb"
	"assist/kb/setparts"
)

// Shows (migration 013) are one row per suggestion set pushed to an agent's
// panel; shown_counts, written in the same transaction, count the sets'
// members per hour for the figures that count per suggestion over a whole
// shop (the suggestion report, the admin workspace's usage). Shown events
// recorded before 013 stay in events and are read beside them.

// rowsPerInsert rows go in one INSERT: one statement per row costs a trip
// through cgo each.
const rowsPerInsert = 100

// AddShows records shows and counts their members, in one transaction:
// all or none. A show without a time is stamped with the store's clock.
func (db *DB) AddShows(ctx context.Context, shows ...kb.Show) error {
	if len(shows) == 0 {
		return nil
	}
	for i, s := range shows {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("show %d: %w", i, err)
		}
	}
	now := db.Now()
	stamped := make([]kb.Show, len(shows))
	for i, s := range shows {
		if s.At.IsZero() {
			s.At = now
		}
		stamped[i] = s
	}
	counts := kb.ShownCounts(stamped)
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add shows: %w", err)
	}
	defer tx.Rollback()
	for rest := stamped; len(rest) > 0; {
		n := min(len(rest), rowsPerInsert)
		if err := insertShows(ctx, tx, rest[:n]); err != nil {
			return fmt.Errorf("add shows: %w", err)
		}
		rest = rest[n:]
	}
	for rest := counts; len(rest) > 0; {
		n := min(len(rest), rowsPerInsert)
		if err := addShownCounts(ctx, tx, rest[:n]); err != nil {
			return fmt.Errorf("add shows: %w", err)
		}
		rest = rest[n:]
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add shows: %w", err)
	}
	return nil
}

func insertShows(ctx context.Context, tx *sql.Tx, shows []kb.Show) error {
	q := `INSERT INTO shows (shop_id, conversation, turn, agent, at) VALUES ` + values(len(shows), 5)
	args := make([]any, 0, 5*len(shows))
	for _, s := range shows {
		args = append(args, s.Shop, s.Conversation, s.Turn, s.Agent, stamp(s.At))
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

// addShownCounts adds counts to the hour rows.
func addShownCounts(ctx context.Context, tx *sql.Tx, counts []kb.ShownCount) error {
	q := `INSERT INTO shown_counts (shop_id, kind, suggestion_id, hour, shown) VALUES ` + values(len(counts), 5) +
		` ON CONFLICT (shop_id, kind, suggestion_id, hour) DO UPDATE SET shown = shown + excluded.shown`
	args := make([]any, 0, 5*len(counts))
	for _, c := range counts {
		args = append(args, c.Shop, c.Kind, c.ID, stamp(c.Hour), c.N)
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

// values is n rows of cols placeholders: "(?, ?), (?, ?)".
func values(n, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// ConversationShows returns the shows of a conversation recorded since
// migration 013, in the order recorded, without their members (shown
// events recorded before are among ConversationEvents).
func (db *DB) ConversationShows(ctx context.Context, shop int64, conversation string) ([]kb.Show, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT turn, agent, at FROM shows WHERE shop_id = ? AND conversation = ? ORDER BY id`,
		shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read shows of %s: %w", conversation, err)
	}
	defer rows.Close()
	out := []kb.Show{}
	for rows.Next() {
		s := kb.Show{Shop: shop, Conversation: conversation}
		var at string
		if err := rows.Scan(&s.Turn, &s.Agent, &at); err != nil {
			return nil, fmt.Errorf("read shows of %s: %w", conversation, err)
		}
		if s.At, err = parseStamp(at); err != nil {
			return nil, fmt.Errorf("read shows of %s: %w", conversation, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// shownSince counts, per suggestion of kind, how often shows since the
// given time showed it: the whole hours from shown_counts, and the shows
// of the hour since falls in read one by one (their turns' sets opened),
// so the figure is exact to the instant, as counting shown events was.
func (db *DB) shownSince(ctx context.Context, shop int64, kind string, since time.Time) (map[string]int, error) {
	since = since.UTC()
	hour := since.Truncate(time.Hour)
	if hour.Before(since) {
		hour = hour.Add(time.Hour)
	}
	out := map[string]int{}
	rows, err := db.db.QueryContext(ctx, `SELECT suggestion_id, SUM(shown) FROM shown_counts
		WHERE shop_id = ? AND kind = ? AND hour >= ? GROUP BY suggestion_id`, shop, kind, stamp(hour))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		out[id] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil || !hour.After(since) {
		return out, err
	}
	// The shows of the part hour, grouped by turn: each set is opened once.
	rows, err = db.db.QueryContext(ctx, `SELECT t.conversation, t.idx, t.role, t.text, t.at, t.suggestions, t.set_code, g.n
		FROM (SELECT conversation, turn, COUNT(*) AS n FROM shows WHERE shop_id = ? AND at >= ? AND at < ?
			GROUP BY conversation, turn) g
		JOIN turns t ON t.shop_id = ? AND t.conversation = g.conversation AND t.idx = g.turn`,
		shop, stamp(since), stamp(hour), shop)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r setparts.Row
		var at, plain string
		var code []byte
		var n int
		if err := rows.Scan(&r.Conversation, &r.Index, &r.Role, &r.Text, &at, &plain, &code, &n); err != nil {
			return nil, err
		}
		if r.At, err = parseStamp(at); err != nil {
			return nil, err
		}
		set, err := db.suggestionSet(ctx, r, plain, code)
		if err != nil {
			return nil, err
		}
		members, _ := kb.SetMembers(set) // a set that does not decode showed nothing countable
		for _, m := range members {
			if m.Kind == kind {
				out[m.ID] += n
			}
		}
	}
	return out, rows.Err()
}
