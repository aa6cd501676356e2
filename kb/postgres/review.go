package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"assist/kb"
	"assist/kb/review"
)

// The review's rollups (migration 011, the tables of kb/sqlite's 007) are
// kept as in kb/sqlite: triggers mark a conversation in review_dirty
// whenever a turn, an event or an outcome of it is written; a refresh
// recomputes the marked conversations' rows with kb/review.Rollup, writes
// those that changed and moves the day rows by the difference (old rows
// out, new rows in), a chunk of conversations per transaction. What it read
// of a conversation's turns and shows, which never change, it keeps for the
// next refresh (kb/review.Digests).
//
// Several instances may refresh the same shop at once. A day's sums are
// read before they are written, so one shop's chunks are taken one at a
// time, across instances, under a session advisory lock (reviewLock, the
// shop id). The marks are taken off in their own statement, committed at
// once, so a turn that marks its conversation again never waits for a
// chunk; such a mark is seen by the next chunk. A writer holds its mark
// locked until it commits (014) and a chunk skips held marks, so no chunk
// reads a conversation without a record its writer is about to commit.

// refreshChunk conversations are read and rewritten per transaction. The
// transaction holds no lock a turn waits for, so a chunk is larger than
// kb/sqlite's: the cost is mostly per statement, and 200 conversations a
// chunk rolled history up 2.7 times faster than 50 (docs/figures.md).
const refreshChunk = 200

// background is how RefreshReviewEvery refreshes a shop: for at most 10 s
// a pass, so that a shop whose turns arrive faster than they are rolled up
// does not hold the loop, and pausing three times as long as each chunk
// took, so that the rollups take about a quarter of the database's time
// beside the turns rather than all of it in bursts. At a real pace (10,000
// chats, 500 turns a second, the database on the server's two cores) the
// turns' post-to-push p99 per half minute had a median of 23 ms with no
// refresh, 71 ms with it unpaced and 57 ms paced (docs/figures.md, session
// 29). A pass that stopped on its budget is followed by the next at once
// (review.Background).
var background = refreshPlan{budget: 10 * time.Second, idle: 3, wait: true}

// refreshPlan says how a refresh goes about its work.
type refreshPlan struct {
	budget time.Duration // start no new chunk once it has passed (0: no limit); one chunk at least
	idle   float64       // after each chunk, pause idle times as long as it took
	wait   bool          // wait for a refresh of the shop this instance runs (a page does not)
}

// reviewLock is the first key of the two-key advisory lock a shop's refresh
// holds per chunk ("revi"); the second is the shop id. Two-key locks do not
// share a space with the migration lock's single key.
const reviewLock = 0x72657669

// refreshLocks holds a shopRefresh per open store and shop, so one
// instance's refreshes of a shop wait in the process, not each on a
// connection.
var refreshLocks sync.Map

// shopRefresh is a shop's refresh lock in this instance, and where its
// refreshes have got to in the shop's marks (claimDirty).
type shopRefresh struct {
	mu    sync.Mutex
	after string // the last conversation claimed; under mu
}

// beforeRollupWrite, set by a test, runs after a chunk's rows are computed
// and before they are written: where a write of another instance would
// make them stale but for the advisory lock.
var beforeRollupWrite func(*DB)

// reviewPassDone, when set (by a test), is told at the end of each of the
// background refresh's passes whether it left a shop on its budget.
var reviewPassDone func(behind bool)

type refreshKey struct {
	db   *DB
	shop int64
}

func (db *DB) shopRefresh(shop int64) *shopRefresh {
	l, _ := refreshLocks.LoadOrStore(refreshKey{db, shop}, &shopRefresh{})
	return l.(*shopRefresh)
}

// RefreshReview brings a shop's review rollups up to date and reports how
// many conversations it recomputed.
func (db *DB) RefreshReview(ctx context.Context, shop int64) (int, error) {
	n, _, err := db.refreshReview(ctx, shop, refreshPlan{wait: true})
	return n, err
}

// RefreshReviewFor is RefreshReview for a page: it starts no new chunk
// once budget has passed (0: no limit), so the page answers in time after
// a burst of traffic and leaves the rest to RefreshReviewEvery; it does
// one chunk at least, as kb/sqlite's does. If this instance is refreshing
// the shop already (RefreshReviewEvery, or another page), it does not wait:
// that refresh is bringing the same rows up to date, and the page answers
// from the rows as they are.
func (db *DB) RefreshReviewFor(ctx context.Context, shop int64, budget time.Duration) (int, error) {
	if budget <= 0 {
		return db.RefreshReview(ctx, shop)
	}
	n, _, err := db.refreshReview(ctx, shop, refreshPlan{budget: budget})
	return n, err
}

// refreshReview refreshes the shop as plan says, and reports how many
// conversations it recomputed and whether it stopped on its budget (some
// may be left).
func (db *DB) refreshReview(ctx context.Context, shop int64, plan refreshPlan) (total int, stopped bool, err error) {
	start := time.Now()
	l := db.shopRefresh(shop)
	if plan.wait {
		l.mu.Lock()
	} else if !l.mu.TryLock() {
		return 0, false, nil
	}
	defer l.mu.Unlock()
	rs, err := db.rollupShop(ctx, shop)
	if err != nil || rs.Location == nil { // nothing marked: the page reads at once
		return 0, false, err
	}
	for {
		if plan.budget > 0 && total > 0 && time.Since(start) >= plan.budget {
			return total, true, nil
		}
		began := time.Now()
		n, err := db.refreshChunk(ctx, shop, rs, &l.after)
		total += n
		if err != nil || n == 0 {
			return total, false, err
		}
		took, paused := time.Since(began), time.Now()
		if err := review.Sleep(ctx, time.Duration(plan.idle*float64(took))); err != nil {
			return total, false, err
		}
		if reviewChunkPaced != nil {
			reviewChunkPaced(took, time.Since(paused))
		}
	}
}

// reviewChunkPaced, when set (by a test), is told how long each chunk of a
// refresh took and how long the refresh paused after it.
var reviewChunkPaced func(took, paused time.Duration)

// RefreshReviewEvery refreshes every shop's review at the given interval
// until ctx ends, so pages find little left to do.
func (db *DB) RefreshReviewEvery(ctx context.Context, every time.Duration, onError func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	db.refreshOnTicks(ctx, t.C, onError)
}

// refreshOnTicks runs the background refresh (review.Background) at each
// tick, each shop as background says.
func (db *DB) refreshOnTicks(ctx context.Context, ticks <-chan time.Time, onError func(error)) {
	review.Background{Shops: db.dirtyShops, Refresh: func(ctx context.Context, shop int64) (bool, error) {
		_, stopped, err := db.refreshReview(ctx, shop, background)
		return stopped, err
	}, OnError: onError, Done: reviewPassDone}.Run(ctx, ticks)
}

func (db *DB) dirtyShops(ctx context.Context) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT DISTINCT shop_id FROM review_dirty ORDER BY shop_id`)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	return out, nil
}

// rollupShop reads what every conversation's rows need of the shop, or
// leaves it zero (no Location) when none of its conversations is marked.
func (db *DB) rollupShop(ctx context.Context, shop int64) (review.RollupShop, error) {
	rs := review.RollupShop{NotAgent: map[string]bool{}, Scenes: map[string]string{}, GiveWay: &review.GiveWay{}}
	var tz string
	var marked bool
	err := db.pool.QueryRow(ctx, `SELECT timezone, EXISTS (SELECT 1 FROM review_dirty WHERE shop_id = $1)
		FROM shops WHERE id = $1`, shop).Scan(&tz, &marked)
	if errors.Is(err, pgx.ErrNoRows) {
		return rs, kb.Errorf(kb.ENotFound, "no shop %d", shop)
	}
	if err != nil {
		return rs, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	if !marked {
		return rs, nil
	}
	rs.Location, err = time.LoadLocation(tz)
	if err != nil || tz == "" {
		rs.Location = time.FixedZone("CST", 8*3600)
	}
	rows, err := db.pool.Query(ctx, `SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.shop_id = $1 AND m.role IN ('manager', 'admin')`, shop)
	if err != nil {
		return rs, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return rs, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	for _, n := range names {
		rs.NotAgent[n] = true
	}
	rows, err = db.pool.Query(ctx, `SELECT id, scene FROM phrases WHERE shop_id = $1`, shop)
	if err != nil {
		return rs, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	var id, scene string
	_, err = pgx.ForEachRow(rows, []any{&id, &scene}, func() error {
		rs.Scenes[id] = scene
		return nil
	})
	if err != nil {
		return rs, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	return rs, nil
}

// ReviewPending is how many of the shop's conversations have records the
// review has not counted yet: marked, and not yet claimed by a refresh. A
// page that stopped on its budget says so rather than show stale figures
// as whole.
func (db *DB) ReviewPending(ctx context.Context, shop int64) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT COUNT(*) FROM review_dirty WHERE shop_id = $1`, shop).Scan(&n); err != nil {
		return 0, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	return n, nil
}

// ReviewBacklog says how far the review's rollups are behind the turns:
// the conversations marked for a refresh, all conversations, and those
// never rolled up.
func (db *DB) ReviewBacklog(ctx context.Context) (marked, conversations, neverRolledUp int, err error) {
	err = db.pool.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM review_dirty), (SELECT COUNT(*) FROM conversations),
		(SELECT COUNT(*) FROM conversations c WHERE NOT EXISTS
			(SELECT 1 FROM review_conv r WHERE r.shop_id = c.shop_id AND r.conversation = c.id))`).Scan(&marked, &conversations, &neverRolledUp)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("review backlog: %w", err)
	}
	return marked, conversations, neverRolledUp, nil
}

// refreshChunk recomputes up to refreshChunk marked conversations of the
// shop under its advisory lock, claimed from after on, and reports how
// many.
func (db *DB) refreshChunk(ctx context.Context, shop int64, rs review.RollupShop, after *string) (int, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("refresh review: %w", err)
	}
	defer conn.Release()
	bg := context.WithoutCancel(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, int32(reviewLock), int32(shop)); err != nil {
		// Cancelled while waiting, the lock may still have been granted:
		// ending the session ends it.
		conn.Conn().Close(bg)
		return 0, fmt.Errorf("refresh review: %w", err)
	}
	defer func() {
		if _, err := conn.Exec(bg, `SELECT pg_advisory_unlock($1, $2)`, int32(reviewLock), int32(shop)); err != nil {
			conn.Conn().Close(bg)
		}
	}()
	convs, err := claimDirty(ctx, conn, shop, refreshChunk, after)
	if err != nil || len(convs) == 0 {
		return 0, err
	}
	if err := db.rewriteRollup(ctx, conn, shop, rs, convs); err != nil {
		// The marks go back, so the next refresh tries them again.
		db.pool.Exec(bg, `INSERT INTO review_dirty (shop_id, conversation) SELECT $1, unnest($2::text[])
			ON CONFLICT DO NOTHING`, shop, convs)
		return 0, err
	}
	return len(convs), nil
}

// claimDirty takes off up to n of the shop's marks and returns their
// conversations: those after *after in key order, then from the first, so
// that the claims go round the marks (each claimed within a round of them)
// however often the chats claimed are marked again by their next turns;
// *after becomes the last one claimed. Taking the marks in whatever order
// the table gave them left some unclaimed while others came round again
// (kb/sqlite, session 28). A mark a writer holds (its transaction is open,
// 014) is skipped, never waited for: the conversation is read once the
// writer's record is in, on a later claim. Each statement commits at once,
// so a turn that marks its conversation again never waits for a chunk.
func claimDirty(ctx context.Context, conn *pgxpool.Conn, shop int64, n int, after *string) ([]string, error) {
	var convs []string
	for _, side := range []string{">", "<="} {
		if len(convs) == n {
			break
		}
		// The marks are picked once (MATERIALIZED): as a subquery of the
		// DELETE (… IN (SELECT … LIMIT … SKIP LOCKED)) the planner may run
		// the pick again, and a claim took more than its limit. They come
		// back in the database's order (its collation), which the cursor
		// follows.
		rows, err := conn.Query(ctx, `WITH picked AS MATERIALIZED (
				SELECT conversation FROM review_dirty WHERE shop_id = $1 AND conversation `+side+` $2
				ORDER BY conversation LIMIT $3 FOR UPDATE SKIP LOCKED),
			claimed AS (DELETE FROM review_dirty d USING picked p WHERE d.shop_id = $1 AND d.conversation = p.conversation
				RETURNING d.conversation)
			SELECT conversation FROM claimed ORDER BY conversation`, shop, *after, n-len(convs))
		if err != nil {
			return nil, fmt.Errorf("refresh review: %w", err)
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("refresh review: %w", err)
		}
		convs = append(convs, got...)
	}
	if len(convs) > 0 {
		*after = convs[len(convs)-1]
	}
	return convs, nil
}

// rewriteRollup reads the conversations' records, computes their rows and
// replaces those that changed, moving the day rows by the difference, in
// one transaction. A chat that took a turn changes a few of its rows (its
// agent's week, the suggestions of the new turn's set): rewriting them all,
// and summing them all twice into the day rows, cost more than reading them
// to compare.
func (db *DB) rewriteRollup(ctx context.Context, conn *pgxpool.Conn, shop int64, rs review.RollupShop, convs []string) error {
	data, err := db.readRollupConversations(ctx, conn, shop, rs.GiveWay, convs)
	if err != nil {
		return fmt.Errorf("refresh review: %w", err)
	}
	convRows, suggRows := review.Rollup(rs, data)
	if beforeRollupWrite != nil {
		beforeRollupWrite(db)
	}
	type change struct {
		t           rollupTable
		gone, added [][]any
	}
	var changes []change
	for _, c := range []struct {
		t   rollupTable
		new [][]any
	}{{convTable, convValues(shop, convRows)}, {suggTable, suggValues(shop, suggRows)}} {
		old, err := readRollupRows(ctx, conn, c.t, shop, convs)
		if err != nil {
			return err
		}
		gone, added := changedRows(old, c.new)
		changes = append(changes, change{c.t, gone, added})
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, c := range changes {
			if len(c.gone) == 0 {
				continue
			}
			if err := applyToDays(ctx, tx, "-", shop, c.t, c.gone); err != nil {
				return err
			}
			k1, k2, k3 := rowKeys(c.gone)
			if _, err := tx.Exec(ctx, `DELETE FROM `+c.t.name+` WHERE shop_id = $1 AND `+c.t.keyIn(), shop, k1, k2, k3); err != nil {
				return fmt.Errorf("refresh review: %s: %w", c.t.name, err)
			}
		}
		for _, c := range changes {
			if len(c.added) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.t.name}, c.t.cols, pgx.CopyFromRows(c.added)); err != nil {
				return fmt.Errorf("refresh review: %s: %w", c.t.name, err)
			}
			if err := applyToDays(ctx, tx, "+", shop, c.t, c.added); err != nil {
				return err
			}
		}
		return nil
	})
}

// readRollupConversations reads the turns, events, shows and outcomes of
// convs. Of turns and shows it reads only those added since the digests of
// the last refresh that read each conversation (kb/review.Digests). Turns
// are read as every other reader reads them (turnColumns, collectTurns), so
// the stored form of a suggestion set is decoded in one place.
func (db *DB) readRollupConversations(ctx context.Context, conn *pgxpool.Conn, shop int64, gw *review.GiveWay, convs []string) ([]review.RollupConversation, error) {
	byID := make(map[string]*review.RollupConversation, len(convs))
	out := make([]review.RollupConversation, len(convs))
	digests := make(map[string]*review.Digest, len(convs))
	next := make([]int32, len(convs))
	lastShow := make([]int64, len(convs))
	for i, c := range convs {
		out[i].ID = c
		byID[c] = &out[i]
		d := db.digests.Take(shop, c)
		digests[c], next[i], lastShow[i] = d, int32(d.Next), d.LastShow
	}
	// A range of the primary key per conversation.
	rows, err := conn.Query(ctx, turnColumns+` JOIN unnest($2::text[], $3::int[]) AS d(c, n) ON conversation = d.c AND idx >= d.n
		WHERE shop_id = $1 ORDER BY conversation, idx`, shop, convs, next)
	if err != nil {
		return nil, fmt.Errorf("turns: %w", err)
	}
	turns, err := db.collectTurns(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("turns: %w", err)
	}
	for _, t := range turns {
		gw.Yield()
		db.digests.AddTurn(digests[t.Conversation], review.Turn{Conversation: t.Conversation, Index: t.Index, Role: t.Role, At: t.At, Agent: t.PostedBy},
			t.Text, t.Product, t.Suggestions)
	}

	// Shows stand for the shown events of their turns' sets. A show's id
	// is taken under its conversation's mark (AddShows), so no show
	// committed later has a smaller id than one read here.
	rows, err = conn.Query(ctx, `SELECT conversation, turn, agent, at, id FROM shows JOIN unnest($2::text[], $3::bigint[]) AS d(c, l)
		ON conversation = d.c AND id > d.l WHERE shop_id = $1 ORDER BY id`, shop, convs, lastShow)
	if err != nil {
		return nil, fmt.Errorf("shows: %w", err)
	}
	var s kb.Show
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&s.Conversation, &s.Turn, &s.Agent, &s.At, &id}, func() error {
		gw.Yield()
		s.Shop, s.At = shop, s.At.UTC()
		db.digests.AddShow(digests[s.Conversation], s, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("shows: %w", err)
	}
	for c, d := range digests {
		o := byID[c]
		o.Turns, o.Quality, o.Product = d.Turns, d.Quality, d.Product
	}

	rows, err = conn.Query(ctx, `SELECT shop_id, conversation, turn, agent, suggestion_id, kind, action, typed, edited, at
		FROM events WHERE shop_id = $1 AND conversation = ANY($2) ORDER BY id`, shop, convs)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	events, err := pgx.CollectRows(rows, scanTypedEvent)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	for _, e := range events {
		gw.Yield()
		c := byID[e.Conversation]
		c.Events = append(c.Events, review.Event{Conversation: e.Conversation, Turn: e.Turn, Agent: e.Agent, Kind: e.Kind,
			SuggestionID: e.SuggestionID, Action: e.Action, Typed: e.Typed, Edited: e.Edited, At: e.At})
	}

	for c, d := range digests {
		gw.Yield()
		byID[c].Events = append(byID[c].Events, d.ShownEvents()...)
	}

	rows, err = conn.Query(ctx, `SELECT conversation, details FROM outcomes WHERE shop_id = $1 AND conversation = ANY($2)
		ORDER BY received_at, id COLLATE "C"`, shop, convs)
	if err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	var conv, details string
	_, err = pgx.ForEachRow(rows, []any{&conv, &details}, func() error {
		var o kb.Outcome
		if err := json.Unmarshal([]byte(details), &o); err != nil {
			return fmt.Errorf("outcome of %s: %w", conv, err)
		}
		c := byID[conv]
		c.Outcomes = append(c.Outcomes, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	for _, d := range digests {
		db.digests.Put(d)
	}
	return out, nil
}

// rollupTable is a table of conversation rows: its columns, the first
// shop_id, then the three that with it make the key.
type rollupTable struct {
	name string
	cols []string
}

var convTable = rollupTable{"review_conv", []string{"shop_id", "conversation", "agent", "week", "day", "product",
	"consultations", "replied", "converted", "paid_orders", "paid_amount", "responses", "response_ms", "first_responses", "first_ms",
	"qc_score", "qc_promise", "qc_admission", "qc_wording", "qc_discount", "qc_greeting", "qc_closing"}}

var suggTable = func() rollupTable {
	cols := []string{"shop_id", "conversation", "kind", "sid", "agent", "product", "scene", "day",
		"shown", "used", "typed", "edited", "dismissed", "used_conv"}
	for _, c := range signalColumns {
		cols = append(cols, "s_"+c)
	}
	return rollupTable{"review_sugg_conv", cols}
}()

// keyIn is the condition that a row's key is one of three arrays'
// ($2, $3, $4, as rowKeys makes them).
func (t rollupTable) keyIn() string {
	return `(` + strings.Join(t.cols[1:4], ", ") + `) IN (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]))`
}

// rowKeys is the keys of rows (their columns 1 to 3), as keyIn reads them.
func rowKeys(rows [][]any) (k1, k2, k3 []string) {
	for _, r := range rows {
		k1, k2, k3 = append(k1, r[1].(string)), append(k2, r[2].(string)), append(k3, r[3].(string))
	}
	return k1, k2, k3
}

// convValues is the rows' values in convTable's columns.
func convValues(shop int64, rows []review.ConvRow) [][]any {
	out := make([][]any, len(rows))
	for i, c := range rows {
		w, q := c.Week, c.Quality
		score := -1
		if c.Checked {
			score = q.Score
		}
		out[i] = []any{shop, c.Conversation, w.Agent, w.Week, c.Day, c.Product,
			w.Consultations, w.Replied, w.Converted, w.PaidOrders, int64(w.PaidAmount), w.Responses,
			w.ResponseTotal.Milliseconds(), w.FirstResponses, w.FirstTotal.Milliseconds(),
			score, flag(q.Promise), flag(q.Admission), flag(q.Wording), flag(q.Discount), flag(q.Greeting), flag(q.Closing)}
	}
	return out
}

// suggValues is the rows' values in suggTable's columns.
func suggValues(shop int64, rows []review.SuggRow) [][]any {
	out := make([][]any, len(rows))
	for i, s := range rows {
		f := s.Figures
		used := 0
		if s.UsedConv() {
			used = 1
		}
		row := []any{shop, s.Conversation, f.Kind, f.SuggestionID, s.Agent, s.Product, s.Scene, s.Day,
			f.Shown, f.Used, f.Typed, f.Edited, f.Dismissed, used}
		for _, n := range s.Followed() {
			row = append(row, n)
		}
		out[i] = row
	}
	return out
}

// readRollupRows reads the rows of convs as stored, in t's columns.
func readRollupRows(ctx context.Context, conn *pgxpool.Conn, t rollupTable, shop int64, convs []string) ([][]any, error) {
	rows, err := conn.Query(ctx, `SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.name+` WHERE shop_id = $1 AND conversation = ANY($2)`, shop, convs)
	if err != nil {
		return nil, fmt.Errorf("refresh review: %s: %w", t.name, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
	if err != nil {
		return nil, fmt.Errorf("refresh review: %s: %w", t.name, err)
	}
	return out, nil
}

// changedRows is the rows of old that new does not hold as they are (gone:
// a row whose figures changed, or no longer there) and the rows of new that
// old does not (added).
func changedRows(old, new [][]any) (gone, added [][]any) {
	var buf []byte
	oldText := make([]string, len(old))
	have := make(map[string]int, len(old))
	for i, r := range old {
		buf = appendRow(buf[:0], r)
		oldText[i] = string(buf)
		have[oldText[i]]++
	}
	for _, r := range new {
		buf = appendRow(buf[:0], r)
		if n := have[string(buf)]; n > 0 {
			have[string(buf)] = n - 1
		} else {
			added = append(added, r)
		}
	}
	for i, r := range old {
		if have[oldText[i]] > 0 {
			have[oldText[i]]--
			gone = append(gone, r)
		}
	}
	return gone, added
}

// appendRow appends a row's values so that two rows append the same bytes
// only if their values are equal: the columns are text and integers, which
// the store returns as int32 or int64 and the rollup makes as int.
func appendRow(b []byte, r []any) []byte {
	for _, v := range r {
		switch v := v.(type) {
		case string:
			b = strconv.AppendInt(b, int64(len(v)), 10)
			b = append(b, ':')
			b = append(b, v...)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int32:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		default:
			b = fmt.Appendf(b, "%T:%v", v, v)
		}
		b = append(b, ';')
	}
	return b
}

// signalColumns are the s_*, u_* and n_* column suffixes in the order of
// review.Signals.
var signalColumns = []string{"paid", "cancelled", "refund", "dispute", "won", "lost", "good", "bad"}

// dayTable is a rollup of conversation rows by day: the table, its key
// after shop_id and day, the conversation table it sums, and each value
// column with the sum that fills it.
type dayTable struct {
	table, src string
	keys       []string
	conflict   string // its primary key, for the upsert
	cols, sums []string
}

var dayTables = func() []dayTable {
	suggCols := []string{"shown", "used", "typed", "edited", "dismissed", "conv_used", "conv_unused"}
	suggSums := []string{"SUM(shown)", "SUM(used)", "SUM(typed)", "SUM(edited)", "SUM(dismissed)", "SUM(used_conv)", "SUM(1 - used_conv)"}
	for _, c := range signalColumns {
		suggCols = append(suggCols, "u_"+c)
		suggSums = append(suggSums, "SUM(CASE WHEN used_conv = 1 THEN s_"+c+" ELSE 0 END)")
	}
	for _, c := range signalColumns {
		suggCols = append(suggCols, "n_"+c)
		suggSums = append(suggSums, "SUM(CASE WHEN used_conv = 1 THEN 0 ELSE s_"+c+" END)")
	}
	return []dayTable{
		{table: "review_sugg_day", src: "review_sugg_conv", keys: []string{"agent", "kind", "sid"},
			conflict: "shop_id, day, agent, kind, sid", cols: suggCols, sums: suggSums},
		{table: "review_sugg_pday", src: "review_sugg_conv", keys: []string{"agent", "product", "kind", "sid"},
			conflict: "shop_id, product, day, agent, kind, sid", cols: suggCols, sums: suggSums},
		{table: "review_agent_day", src: "review_conv", keys: []string{"agent", "product", "week"},
			conflict: "shop_id, day, agent, product, week",
			cols: []string{"consultations", "replied", "converted", "paid_orders", "paid_amount", "responses", "response_ms",
				"first_responses", "first_ms", "checked", "score_sum", "qc_promise", "qc_admission", "qc_wording",
				"qc_discount", "qc_greeting", "qc_closing"},
			sums: []string{"SUM(consultations)", "SUM(replied)", "SUM(converted)", "SUM(paid_orders)", "SUM(paid_amount)",
				"SUM(responses)", "SUM(response_ms)", "SUM(first_responses)", "SUM(first_ms)",
				"SUM(CASE WHEN qc_score >= 0 THEN 1 ELSE 0 END)", "SUM(GREATEST(qc_score, 0))", "SUM(qc_promise)",
				"SUM(qc_admission)", "SUM(qc_wording)", "SUM(qc_discount)", "SUM(qc_greeting)", "SUM(qc_closing)"}},
	}
}()

// applyToDays adds (sign "+") or takes away (sign "-") the rows of src
// whose keys rows has to or from the day rows made of src.
func applyToDays(ctx context.Context, tx pgx.Tx, sign string, shop int64, src rollupTable, rows [][]any) error {
	k1, k2, k3 := rowKeys(rows)
	for _, t := range dayTables {
		if t.src != src.name {
			continue
		}
		keys := strings.Join(t.keys, ", ")
		insertCols, selectCols, updates := []string{}, []string{}, []string{}
		if t.src == "review_sugg_conv" {
			insertCols, selectCols = append(insertCols, "scene"), append(selectCols, "MAX(scene)")
		}
		for i, c := range t.cols {
			insertCols = append(insertCols, c)
			selectCols = append(selectCols, sign+"("+t.sums[i]+")")
			updates = append(updates, c+" = "+t.table+"."+c+" + excluded."+c)
		}
		q := `INSERT INTO ` + t.table + ` (shop_id, day, ` + keys + `, ` + strings.Join(insertCols, ", ") + `)
			SELECT shop_id, day, ` + keys + `, ` + strings.Join(selectCols, ", ") + ` FROM ` + t.src + `
			WHERE shop_id = $1 AND ` + src.keyIn() + ` GROUP BY shop_id, day, ` + keys + `
			ON CONFLICT (` + t.conflict + `) DO UPDATE SET ` + strings.Join(updates, ", ")
		if _, err := tx.Exec(ctx, q, shop, k1, k2, k3); err != nil {
			return fmt.Errorf("refresh review: %s: %w", t.table, err)
		}
	}
	return nil
}
