package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// Shows (migration 013) are one row per suggestion set pushed to an agent's
// panel, with shown_counts per suggestion and hour written in the same
// transaction, as in kb/sqlite (shows.go there).

// AddShows records shows and counts their members, in one transaction:
// all or none. A show without a time is stamped with the store's clock.
func (db *DB) AddShows(ctx context.Context, shows ...kb.Show) error {
	if len(shows) == 0 {
		return nil
	}
	stamped, err := kb.StampShows(shows, db.now())
	if err != nil {
		return err
	}
	rows := make([][]any, len(stamped))
	for i, s := range stamped {
		rows[i] = []any{s.Shop, s.Conversation, s.Turn, s.Agent, s.At}
	}
	counts := kb.ShownCounts(stamped)
	var shop []int64
	var kind, id []string
	var hour []time.Time
	var n []int32
	for _, c := range counts {
		shop, kind, id, hour, n = append(shop, c.Shop), append(kind, c.Kind), append(id, c.ID), append(hour, c.Hour), append(n, int32(c.N))
	}
	var markShop []int64
	var markConv []string
	for _, s := range stamped {
		markShop, markConv = append(markShop, s.Shop), append(markConv, s.Conversation)
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// The conversations' review marks first (the trigger touches them
		// again after the COPY): the ids are then taken under the marks,
		// held until the commit, so one conversation's shows commit in the
		// order of their ids and a refresh that reads past the last id it
		// saw misses none (review.go). In key order, as the trigger's.
		if _, err := tx.Exec(ctx, `INSERT INTO review_dirty (shop_id, conversation)
			SELECT DISTINCT s, c FROM unnest($1::bigint[], $2::text[]) AS m(s, c) ORDER BY 1, 2
			ON CONFLICT (shop_id, conversation) DO UPDATE SET shop_id = EXCLUDED.shop_id`, markShop, markConv); err != nil {
			return err
		}
		// COPY keeps the record order (identity ids are taken row by row).
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"shows"}, []string{"shop_id", "conversation", "turn", "agent", "at"},
			pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		// Counts go in key order (ShownCounts sorts them), so two
		// instances adding to the same rows never wait for each other in
		// a circle.
		_, err := tx.Exec(ctx, `INSERT INTO shown_counts (shop_id, kind, suggestion_id, hour, shown)
			SELECT s, k, i, h, n FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::int[])
				WITH ORDINALITY AS c(s, k, i, h, n, o)
			ORDER BY o
			ON CONFLICT (shop_id, kind, hour, suggestion_id) DO UPDATE SET shown = shown_counts.shown + excluded.shown`,
			shop, kind, id, hour, n)
		return err
	})
	if err != nil {
		return fmt.Errorf("add shows: %w", err)
	}
	return nil
}

// ConversationShows returns the shows of a conversation, in the order
// shown (by time, then as recorded), without their members. Shown events
// recorded before migration 013 are among ConversationEvents.
func (db *DB) ConversationShows(ctx context.Context, shop int64, conversation string) ([]kb.Show, error) {
	rows, err := db.pool.Query(ctx, `SELECT turn, agent, at FROM shows WHERE shop_id = $1 AND conversation = $2 ORDER BY at, id`,
		shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read shows of %s: %w", conversation, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.Show, error) {
		s := kb.Show{Shop: shop, Conversation: conversation}
		err := r.Scan(&s.Turn, &s.Agent, &s.At)
		s.At = s.At.UTC()
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("read shows of %s: %w", conversation, err)
	}
	return out, nil
}

// shownSince counts, per suggestion of kind, how often shows since the
// given time showed it: the whole hours from shown_counts, and the shows
// of the hour since falls in read one by one (their turns' sets opened),
// so the figure is exact to the instant, as counting shown events was.
func (db *DB) shownSince(ctx context.Context, shop int64, kind string, since time.Time) (map[string]int, error) {
	since = since.UTC()
	hour := kb.CountedHour(since)
	out := map[string]int{}
	rows, err := db.pool.Query(ctx, `SELECT suggestion_id, SUM(shown) FROM shown_counts
		WHERE shop_id = $1 AND kind = $2 AND hour >= $3 GROUP BY suggestion_id`, shop, kind, hour)
	if err != nil {
		return nil, err
	}
	var id string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error { out[id] += n; return nil }); err != nil {
		return nil, err
	}
	if !hour.After(since) {
		return out, nil
	}
	// The shows of the part hour, grouped by turn: each set is opened once.
	rows, err = db.pool.Query(ctx, `SELECT conversation, turn, COUNT(*) FROM shows WHERE shop_id = $1 AND at >= $2 AND at < $3
		GROUP BY conversation, turn`, shop, since, hour)
	if err != nil {
		return nil, err
	}
	type turnKey struct {
		conv string
		turn int
	}
	times := map[turnKey]int{}
	var convs []string
	var turns []int32
	var conv string
	var turn int32
	if _, err := pgx.ForEachRow(rows, []any{&conv, &turn, &n}, func() error {
		times[turnKey{conv, int(turn)}] = n
		convs, turns = append(convs, conv), append(turns, turn)
		return nil
	}); err != nil || len(convs) == 0 {
		return out, err
	}
	rows, err = db.pool.Query(ctx, turnColumns+` WHERE shop_id = $1 AND (conversation, idx) IN (SELECT * FROM unnest($2::text[], $3::int[]))`,
		shop, convs, turns)
	if err != nil {
		return nil, err
	}
	stored, err := db.collectTurns(ctx, rows)
	if err != nil {
		return nil, err
	}
	for _, t := range stored {
		kb.AddShown(out, kind, t.Suggestions, times[turnKey{t.Conversation, t.Index}])
	}
	return out, nil
}
