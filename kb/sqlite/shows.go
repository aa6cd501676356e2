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
	stamped, err := kb.StampShows(shows, db.Now())
	if err != nil {
		return err
	}
	if err := db.inWriteTx(ctx, func(tx sqlTx) error { return writeShows(ctx, tx, stamped) }); err != nil {
		return fmt.Errorf("add shows: %w", err)
	}
	return nil
}

// writeShows inserts shows and adds their members to the hourly counts.
func writeShows(ctx context.Context, tx sqlTx, shows []kb.Show) error {
	for rest := shows; len(rest) > 0; {
		n := min(len(rest), rowsPerInsert)
		if err := insertShows(ctx, tx, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	for rest := kb.ShownCounts(shows); len(rest) > 0; {
		n := min(len(rest), rowsPerInsert)
		if err := addShownCounts(ctx, tx, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

func insertShows(ctx context.Context, tx sqlTx, shows []kb.Show) error {
	q := `INSERT INTO shows (shop_id, conversation, turn, agent, at) VALUES ` + values(len(shows), 5)
	args := make([]any, 0, 5*len(shows))
	for _, s := range shows {
		args = append(args, s.Shop, s.Conversation, s.Turn, s.Agent, stamp(s.At))
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

// addShownCounts adds counts to the hour rows.
func addShownCounts(ctx context.Context, tx sqlTx, counts []kb.ShownCount) error {
	q := `INSERT INTO shown_counts (shop_id, kind, suggestion_id, hour, shown) VALUES ` + values(len(counts), 5) +
		` ON CONFLICT (shop_id, kind, hour, suggestion_id) DO UPDATE SET shown = shown + excluded.shown`
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

// ConversationShows returns the shows of a conversation, in the order
// shown (by time, then as recorded: CompactShows records old pushes after
// newer ones), without their members. Shown events recorded before
// migration 013 and not moved are among ConversationEvents.
func (db *DB) ConversationShows(ctx context.Context, shop int64, conversation string) ([]kb.Show, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT turn, agent, at FROM shows WHERE shop_id = ? AND conversation = ? ORDER BY at, id`,
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
	hour := kb.CountedHour(since)
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
	// They are found by time (shows_time, migration 015): without it named,
	// SQLite reads every show of the shop by its other index.
	rows, err = db.db.QueryContext(ctx, `SELECT t.conversation, t.idx, t.role, t.text, t.at, t.suggestions, t.set_code, g.n
		FROM (SELECT conversation, turn, COUNT(*) AS n FROM shows INDEXED BY shows_time WHERE shop_id = ? AND at >= ? AND at < ?
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
		kb.AddShown(out, kind, set, n)
	}
	return out, rows.Err()
}

// CompactShows moves the shown events recorded before migration 013 into
// shows: the shown events of one push (one turn, agent and time) whose
// suggestions are exactly its turn's stored set become one show, counted
// per hour as shows are. The others (a set that does not decode, a turn
// the store does not have, a push of part of a set) stay events, which
// every reader still reads. It works batch conversations a transaction and
// reports the pushes moved and kept.
func (db *DB) CompactShows(ctx context.Context, batch int) (moved, kept int, err error) {
	type conv struct {
		shop int64
		id   string
	}
	rows, err := db.db.QueryContext(ctx, `SELECT DISTINCT shop_id, conversation FROM events WHERE action = 'shown'`)
	if err != nil {
		return 0, 0, fmt.Errorf("compact shows: %w", err)
	}
	var convs []conv
	for rows.Next() {
		var c conv
		if err := rows.Scan(&c.shop, &c.id); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("compact shows: %w", err)
		}
		convs = append(convs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("compact shows: %w", err)
	}
	for len(convs) > 0 {
		n := min(len(convs), max(batch, 1))
		err := db.inWriteTx(ctx, func(tx sqlTx) error {
			for _, c := range convs[:n] {
				m, k, err := db.compactShowsOf(ctx, tx, c.shop, c.id)
				if err != nil {
					return err
				}
				moved, kept = moved+m, kept+k
			}
			return nil
		})
		if err != nil {
			return moved, kept, fmt.Errorf("compact shows: %w", err)
		}
		convs = convs[n:]
	}
	return moved, kept, nil
}

// inWriteTx runs fn in a write transaction under the store's write lock.
func (db *DB) inWriteTx(ctx context.Context, fn func(sqlTx) error) error {
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// compactShowsOf moves one conversation's shown events into shows.
func (db *DB) compactShowsOf(ctx context.Context, tx sqlTx, shop int64, conv string) (moved, kept int, err error) {
	type push struct {
		show    kb.Show
		ids     []int64
		members []kb.SetMember
	}
	type pushKey struct {
		turn      int
		agent, at string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, turn, agent, kind, suggestion_id, at FROM events
		WHERE shop_id = ? AND conversation = ? AND action = 'shown' ORDER BY id`, shop, conv)
	if err != nil {
		return 0, 0, err
	}
	var pushes []*push
	byKey := map[pushKey]*push{}
	for rows.Next() {
		var id int64
		var k pushKey
		var m kb.SetMember
		if err := rows.Scan(&id, &k.turn, &k.agent, &m.Kind, &m.ID, &k.at); err != nil {
			rows.Close()
			return 0, 0, err
		}
		p := byKey[k]
		if p == nil {
			at, err := parseStamp(k.at)
			if err != nil {
				rows.Close()
				return 0, 0, err
			}
			p = &push{show: kb.Show{Shop: shop, Conversation: conv, Turn: k.turn, Agent: k.agent, At: at}}
			byKey[k] = p
			pushes = append(pushes, p)
		}
		p.ids = append(p.ids, id)
		p.members = append(p.members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	sets := map[int][]kb.SetMember{}
	var shows []kb.Show
	var ids []int64
	for _, p := range pushes {
		set, ok := sets[p.show.Turn]
		if !ok {
			set, err = db.storedMembers(ctx, tx, shop, conv, p.show.Turn)
			if err != nil {
				return 0, 0, err
			}
			sets[p.show.Turn] = set
		}
		if !sameMembers(p.members, set) {
			kept++
			continue
		}
		p.show.Members = set
		shows = append(shows, p.show)
		ids = append(ids, p.ids...)
	}
	if err := writeShows(ctx, tx, shows); err != nil {
		return 0, 0, err
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?,", n), ",")+`)`, args...); err != nil {
			return 0, 0, err
		}
		ids = ids[n:]
	}
	return len(shows), kept, nil
}

// storedMembers is the members of a turn's stored set; nil if the store
// has no such turn or its set does not decode.
func (db *DB) storedMembers(ctx context.Context, tx sqlTx, shop int64, conv string, turn int) ([]kb.SetMember, error) {
	r := setparts.Row{Conversation: conv, Index: turn}
	var at, plain string
	var code []byte
	err := tx.QueryRowContext(ctx, `SELECT role, text, at, suggestions, set_code FROM turns WHERE shop_id = ? AND conversation = ? AND idx = ?`,
		shop, conv, turn).Scan(&r.Role, &r.Text, &at, &plain, &code)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r.At, err = parseStamp(at); err != nil {
		return nil, err
	}
	set, err := db.suggestionSet(ctx, r, plain, code)
	if err != nil {
		return nil, err
	}
	members, _ := kb.SetMembers(set)
	return members, nil
}

// sameMembers reports whether a and b hold the same suggestions as often,
// in any order; two empty lists are not a push of a set.
func sameMembers(a, b []kb.SetMember) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	n := map[kb.SetMember]int{}
	for _, m := range a {
		n[m]++
	}
	for _, m := range b {
		if n[m]--; n[m] < 0 {
			return false
		}
	}
	return true
}
