package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"assist/kb"
	"assist/kb/review"
	"assist/kb/setparts"
)

// The review's rollups (migration 007) are kept by RefreshReview: triggers
// mark a conversation in review_dirty whenever a turn, an event or an
// outcome of it is written; a refresh recomputes the marked conversations'
// rows with kb/review (so the SQL sums are the pure functions' figures) and
// moves the day rows the pages read by the difference (old rows out, new
// rows in). What it read of a conversation's turns and shows, which never
// change, it keeps for the next refresh (kb/review.Digests). It works a
// chunk of conversations at a time, and reads and computes outside any
// write transaction: the write lock that turns share is held only to write
// the rows that changed (review_rows.go).

// refreshChunk conversations are claimed, read and computed together;
// their writes then go in transactions of about writeSlice each.
const refreshChunk = 50

// background is how RefreshReviewEvery refreshes a shop: for at most 10 s,
// so that a shop whose turns arrive faster than they are rolled up does not
// hold the loop (the rest waits for the next pass); leaving the write lock
// free four times as long as it held it, so that turns keep most of the
// lock's time and a backlog still drains; and pausing three times as long
// as each chunk worked, so that it takes a quarter of a core, not a whole
// one in bursts beside the turns (every 30 s a soak's refresh worked 2 s,
// and the turns of those seconds waited: docs/figures.md, session 13).
var background = refreshPlan{budget: 10 * time.Second, rest: 4, idle: 3, wait: true}

// refreshLocks holds a shopRefresh per open store (*DB) and shop. One
// refresh of a shop runs at a time: a chunk reads its stored rows before it
// writes their difference, and a refresh beside it must not move them
// meanwhile. Shops have rows of their own and refresh side by side.
var refreshLocks sync.Map

type refreshKey struct {
	db   *DB
	shop int64
}

// shopRefresh is a shop's refresh lock, and where its refreshes have got
// to in the shop's marks (claimDirty).
type shopRefresh struct {
	refreshLock
	after string // the last conversation claimed; guarded by the lock
}

// refreshLock is a mutex whose Lock can give up.
type refreshLock chan struct{}

func (db *DB) refreshLock(shop int64) *shopRefresh {
	l, _ := refreshLocks.LoadOrStore(refreshKey{db, shop}, &shopRefresh{refreshLock: make(refreshLock, 1)})
	return l.(*shopRefresh)
}

// tryLock takes l if it is free.
func (l refreshLock) tryLock() bool {
	select {
	case l <- struct{}{}:
		return true
	default:
		return false
	}
}

// lock takes l, waiting as long as ctx lasts.
func (l refreshLock) lock(ctx context.Context) bool {
	select {
	case l <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (l refreshLock) unlock() { <-l }

// RefreshReview brings a shop's review rollups up to date and reports how
// many conversations it recomputed.
func (db *DB) RefreshReview(ctx context.Context, shop int64) (int, error) {
	n, _, err := db.refreshReview(ctx, shop, refreshPlan{wait: true})
	return n, err
}

// RefreshReviewFor is RefreshReview for a page: it starts no new chunk
// once budget has passed, so the page answers in time after a burst of
// traffic and leaves the rest to RefreshReviewEvery. If the shop's review
// is being refreshed already (by RefreshReviewEvery or another page), it
// does not wait: that refresh is bringing the same rows up to date, and
// the page answers from the rows as they are.
func (db *DB) RefreshReviewFor(ctx context.Context, shop int64, budget time.Duration) (int, error) {
	if budget <= 0 {
		return db.RefreshReview(ctx, shop)
	}
	n, _, err := db.refreshReview(ctx, shop, refreshPlan{budget: budget})
	return n, err
}

// refreshPlan says how a refresh goes about its work.
type refreshPlan struct {
	budget time.Duration // start no new chunk once it has passed (0: no limit)
	rest   float64       // after each write, leave the write lock free rest times as long as it was held
	idle   float64       // after each chunk, pause idle times as long as it worked (its write pauses apart)
	wait   bool          // wait for a refresh of the shop that is running (a page does not)
}

// refreshReview refreshes the shop as plan says, and reports how many
// conversations it recomputed and whether it stopped on its budget (some
// may be left).
func (db *DB) refreshReview(ctx context.Context, shop int64, plan refreshPlan) (total int, stopped bool, err error) {
	start := time.Now()
	l := db.refreshLock(shop)
	if plan.wait && !l.lock(ctx) || !plan.wait && !l.tryLock() {
		return 0, false, ctx.Err()
	}
	defer l.unlock()
	rc, err := db.reviewContext(ctx, shop)
	if err != nil {
		return 0, false, err
	}
	var st *rollupStmts // prepared once there is something to write
	defer func() {
		if st != nil {
			st.close()
		}
	}()
	for {
		if plan.budget > 0 && total > 0 && time.Since(start) >= plan.budget { // a chunk at least
			return total, true, nil
		}
		convs, err := db.claimDirty(ctx, shop, refreshChunk, &l.after)
		if err != nil || len(convs) == 0 {
			return total, false, err
		}
		if st == nil {
			if st, err = db.prepareRollup(ctx); err != nil {
				db.markDirty(context.WithoutCancel(ctx), shop, convs)
				return total, false, err
			}
			st.rest = plan.rest
		}
		began, paused := time.Now(), st.paused
		if err := db.refreshConvs(ctx, rc, st, convs); err != nil {
			db.markDirty(context.WithoutCancel(ctx), shop, convs)
			return total, false, err
		}
		total += len(convs)
		worked := time.Since(began) - (st.paused - paused)
		paused = st.paused
		if err := st.idle(ctx, time.Duration(plan.idle*float64(worked))); err != nil {
			return total, false, err
		}
		if reviewChunkPaced != nil {
			reviewChunkPaced(worked, st.paused-paused)
		}
	}
}

// reviewChunkPaced, when set (by a test), is told how long each chunk of a
// refresh worked and how long it paused after.
var reviewChunkPaced func(worked, paused time.Duration)

// refreshConvs recomputes convs and writes what changed.
//
// Each conversation's rows as written are kept with its digest: only a
// refresh writes them, one at a time per shop, so the next refresh of a
// chat that goes on compares with them rather than reading them back (a
// fifth of the refresh of long chats, all of whose rows it read each
// time). A write that fails keeps none, and the next refresh reads them.
func (db *DB) refreshConvs(ctx context.Context, rc *reviewCtx, st *rollupStmts, convs []string) error {
	digests := make(map[string]*review.Digest, len(convs))
	for _, c := range convs {
		digests[c] = db.digests.Take(rc.shop, c)
	}
	rows, err := db.computeRollup(ctx, rc, convs, digests)
	if err != nil {
		return err // the digests are dropped: a refresh that fails midway keeps nothing
	}
	old, err := db.storedRollup(ctx, rc, convs, digests)
	if err == nil {
		err = db.writeRollup(ctx, st, diffRollup(rc, convs, old, rows))
	}
	for c, d := range digests {
		d.Kept, d.KeptWeight = nil, 0
		if err == nil {
			d.Kept, d.KeptWeight = rows[c], rows[c].weight()
		}
		db.digests.Put(d)
	}
	return err
}

// storedRollup is the stored rows of convs: those kept with their digests,
// the rest read.
func (db *DB) storedRollup(ctx context.Context, rc *reviewCtx, convs []string, digests map[string]*review.Digest) (map[string]*convRows, error) {
	var unread []string
	for _, c := range convs {
		if _, ok := digests[c].Kept.(*convRows); !ok {
			unread = append(unread, c)
		}
	}
	out := make(map[string]*convRows, len(convs))
	if len(unread) > 0 {
		var err error
		if out, err = db.readRollup(ctx, rc, unread); err != nil {
			return nil, err
		}
	}
	for _, c := range convs {
		if kept, ok := digests[c].Kept.(*convRows); ok {
			out[c] = kept
		}
	}
	return out, nil
}

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

// reviewPassDone, when set (by a test), is told at the end of each of the
// background refresh's passes whether it left a shop on its budget.
var reviewPassDone func(behind bool)

// ReviewPending is how many of the shop's conversations have records the
// review has not counted yet: marked, and not yet claimed by a refresh. A
// page that stopped on its budget says so rather than show stale figures
// as whole.
func (db *DB) ReviewPending(ctx context.Context, shop int64) (int, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_dirty WHERE shop_id = ?`, shop).Scan(&n); err != nil {
		return 0, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	return n, nil
}

// ReviewBacklog says how far the review's rollups are behind the turns:
// the conversations marked for a refresh, all conversations, and those
// never rolled up.
func (db *DB) ReviewBacklog(ctx context.Context) (marked, conversations, neverRolledUp int, err error) {
	err = db.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM review_dirty), (SELECT COUNT(*) FROM conversations),
		(SELECT COUNT(*) FROM conversations c WHERE NOT EXISTS
			(SELECT 1 FROM review_conv r WHERE r.shop_id = c.shop_id AND r.conversation = c.id))`).Scan(&marked, &conversations, &neverRolledUp)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("review backlog: %w", err)
	}
	return marked, conversations, neverRolledUp, nil
}

func (db *DB) dirtyShops(ctx context.Context) ([]int64, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT DISTINCT shop_id FROM review_dirty`)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// refreshGivesWay switches the refresh's yields (review.GiveWay), for the
// benchmark that compares them (BenchmarkWaitBesideARefresh).
var refreshGivesWay = true

// reviewCtx is what every conversation's rollup needs of its shop.
type reviewCtx struct {
	shop     int64
	loc      *time.Location
	notAgent map[string]bool   // the shop's managers and admins, whose panels do not count
	scenes   map[string]string // phrase id → scene
	giveWay  *review.GiveWay   // between rows and chats, for the turns (nil: never)
}

func (db *DB) reviewContext(ctx context.Context, shop int64) (*reviewCtx, error) {
	rc := &reviewCtx{shop: shop, notAgent: map[string]bool{}, scenes: map[string]string{}}
	if refreshGivesWay {
		rc.giveWay = &review.GiveWay{}
	}
	var tz string
	if err := db.db.QueryRowContext(ctx, `SELECT timezone FROM shops WHERE id = ?`, shop).Scan(&tz); err != nil {
		if err == sql.ErrNoRows {
			return nil, kb.Errorf(kb.ENotFound, "no shop %d", shop)
		}
		return nil, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.FixedZone("CST", 8*3600)
	}
	rc.loc = loc
	rows, err := db.db.QueryContext(ctx, `SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.shop_id = ? AND m.role IN ('manager', 'admin')`, shop)
	if err != nil {
		return nil, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		rc.notAgent[name] = true
	}
	rows.Close()
	rows, err = db.db.QueryContext(ctx, `SELECT id, scene FROM phrases WHERE shop_id = ?`, shop)
	if err != nil {
		return nil, fmt.Errorf("review of shop %d: %w", shop, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, scene string
		if err := rows.Scan(&id, &scene); err != nil {
			return nil, err
		}
		rc.scenes[id] = scene
	}
	return rc, rows.Err()
}

// claimDirty takes up to n marked conversations off review_dirty. A write
// after the claim marks its conversation again, so nothing is missed.
//
// It claims in the marks' key order from after, where the last claim
// stopped, round to the start, and moves after on. Taking the first n in
// key order, as it did, starved the rest of a shop whose chats take turns
// faster than the refresh rolls them up: the first conversations, marked
// again by their next turns, were claimed again before the later ones ever
// were (a real-paced run of 10,000 chats left three in four never rolled
// up, docs/figures.md, session 28).
func (db *DB) claimDirty(ctx context.Context, shop int64, n int, after *string) ([]string, error) {
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("refresh review: %w", err)
	}
	defer tx.Rollback()
	var convs []string
	for _, q := range []string{
		`SELECT conversation FROM review_dirty WHERE shop_id = ? AND conversation > ? ORDER BY conversation LIMIT ?`,
		`SELECT conversation FROM review_dirty WHERE shop_id = ? AND conversation <= ? ORDER BY conversation LIMIT ?`,
	} {
		if len(convs) == n {
			break
		}
		rows, err := tx.QueryContext(ctx, q, shop, *after, n-len(convs))
		if err != nil {
			return nil, fmt.Errorf("refresh review: %w", err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, err
			}
			convs = append(convs, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("refresh review: %w", err)
		}
	}
	if len(convs) == 0 {
		return nil, nil
	}
	in, args := inList(shop, convs)
	if _, err := tx.ExecContext(ctx, `DELETE FROM review_dirty WHERE shop_id = ? AND conversation IN `+in, args...); err != nil {
		return nil, fmt.Errorf("refresh review: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("refresh review: %w", err)
	}
	*after = convs[len(convs)-1]
	return convs, nil
}

func (db *DB) markDirty(ctx context.Context, shop int64, convs []string) {
	db.writes.Lock()
	defer db.writes.Unlock()
	for _, c := range convs {
		db.db.ExecContext(ctx, `INSERT OR IGNORE INTO review_dirty (shop_id, conversation) VALUES (?, ?)`, shop, c)
	}
}

// inList is "(?, ?, …)" for convs, with the shop first among the args.
func inList(shop int64, convs []string) (string, []any) {
	args := make([]any, 0, len(convs)+1)
	args = append(args, shop)
	for _, c := range convs {
		args = append(args, c)
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?,", len(convs)), ",") + ")", args
}

// convData is what the review reads of one conversation.
type convData struct {
	turns    []review.Turn
	quality  []review.QualityTurn
	product  string
	events   []review.Event
	outcomes []kb.Outcome
}

// computeRollup computes the rows of convs, bringing their digests (taken
// by the caller, who puts them back) up to date.
func (db *DB) computeRollup(ctx context.Context, rc *reviewCtx, convs []string, digests map[string]*review.Digest) (map[string]*convRows, error) {
	data := make(map[string]*convData, len(convs))
	for _, c := range convs {
		data[c] = &convData{}
	}
	if err := db.digestTurns(ctx, rc, digests); err != nil {
		return nil, err
	}
	for c, d := range digests {
		data[c].turns, data[c].quality, data[c].product = d.Turns, d.Quality, d.Product
	}
	in, args := inList(rc.shop, convs)
	var err error
	var rows *sql.Rows

	rows, err = db.db.QueryContext(ctx, `SELECT conversation, turn, agent, suggestion_id, kind, action, typed, edited, at
		FROM events WHERE shop_id = ? AND conversation IN `+in+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("refresh review: events: %w", err)
	}
	for rows.Next() {
		rc.giveWay.Yield()
		var e review.Event
		var action, at string
		if err := rows.Scan(&e.Conversation, &e.Turn, &e.Agent, &e.SuggestionID, &e.Kind, &action, &e.Typed, &e.Edited, &at); err != nil {
			rows.Close()
			return nil, err
		}
		e.Action = kb.Action(action)
		if e.At, err = parseStamp(at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("refresh review: event of %s: %w", e.Conversation, err)
		}
		data[e.Conversation].events = append(data[e.Conversation].events, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	if err := db.digestShows(ctx, rc, digests); err != nil {
		return nil, err
	}
	for c, d := range digests {
		rc.giveWay.Yield()
		data[c].events = append(data[c].events, d.ShownEvents()...)
	}

	rows, err = db.db.QueryContext(ctx, `SELECT conversation, details FROM outcomes WHERE shop_id = ? AND conversation IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("refresh review: outcomes: %w", err)
	}
	for rows.Next() {
		rc.giveWay.Yield()
		var conv, details string
		var o kb.Outcome
		if err := rows.Scan(&conv, &details); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(details), &o); err != nil {
			rows.Close()
			return nil, fmt.Errorf("refresh review: outcome of %s: %w", conv, err)
		}
		data[conv].outcomes = append(data[conv].outcomes, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	recs := make([]review.RollupConversation, len(convs))
	for i, c := range convs {
		d := data[c]
		recs[i] = review.RollupConversation{ID: c, Turns: d.turns, Quality: d.quality, Product: d.product, Events: d.events, Outcomes: d.outcomes}
	}
	convOut, suggOut := review.Rollup(review.RollupShop{Location: rc.loc, NotAgent: rc.notAgent, Scenes: rc.scenes, GiveWay: rc.giveWay}, recs)
	out := make(map[string]*convRows, len(convs))
	for _, c := range convs {
		out[c] = &convRows{}
	}
	for _, r := range convOut {
		w, q := r.Week, r.Quality
		score := int64(-1) // not checked: only a consultation's row carries its 质检
		if r.Checked {
			score = int64(q.Score)
		}
		o := out[r.Conversation]
		o.conv = append(o.conv, convRec{conv: r.Conversation, agent: w.Agent, week: w.Week, day: r.Day, product: r.Product,
			n: [len(convNums)]int64{int64(w.Consultations), int64(w.Replied), int64(w.Converted), int64(w.PaidOrders),
				int64(w.PaidAmount), int64(w.Responses), w.ResponseTotal.Milliseconds(), int64(w.FirstResponses),
				w.FirstTotal.Milliseconds(), score, bit(q.Promise), bit(q.Admission), bit(q.Wording),
				bit(q.Discount), bit(q.Greeting), bit(q.Closing)}})
	}
	for _, r := range suggOut {
		f := r.Figures
		rec := suggRec{conv: r.Conversation, kind: f.Kind, sid: f.SuggestionID, agent: r.Agent, product: r.Product, scene: r.Scene, day: r.Day}
		rec.n[0], rec.n[1], rec.n[2], rec.n[3], rec.n[4] = int64(f.Shown), int64(f.Used), int64(f.Typed), int64(f.Edited), int64(f.Dismissed)
		rec.n[suggUsedConv] = bit(r.UsedConv())
		for i, n := range r.Followed() {
			rec.n[suggUsedConv+1+i] = int64(n)
		}
		o := out[r.Conversation]
		o.sugg = append(o.sugg, rec)
	}
	for _, rows := range out { // in key order, as readRollup reads them back
		slices.SortFunc(rows.conv, func(a, b convRec) int { return cmp.Or(cmp.Compare(a.agent, b.agent), cmp.Compare(a.week, b.week)) })
		slices.SortFunc(rows.sugg, func(a, b suggRec) int { return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.sid, b.sid)) })
	}
	return out, nil
}

// perConversation is one query of one's rows for each digest's
// conversation, from where the digest stops (from), ordered by order: a
// range of an index each. An OR of such ranges makes SQLite read every row
// of the shop, and a chunk is far below SQLite's 500 terms of a compound
// select.
func perConversation(one string, shop int64, digests map[string]*review.Digest, from func(*review.Digest) any, order string) (string, []any) {
	parts := make([]string, 0, len(digests))
	args := make([]any, 0, 3*len(digests))
	for c, d := range digests {
		parts = append(parts, one)
		args = append(args, shop, c, from(d))
	}
	return strings.Join(parts, " UNION ALL ") + ` ORDER BY ` + order, args
}

// digestShows reads the shows each digest lacks (those recorded after its
// last), in the order recorded. Shows are only ever added, each with a
// greater id.
func (db *DB) digestShows(ctx context.Context, rc *reviewCtx, digests map[string]*review.Digest) error {
	q, args := perConversation(`SELECT conversation, turn, agent, at, id FROM shows
		WHERE shop_id = ? AND conversation = ? AND id > ?`, rc.shop, digests, func(d *review.Digest) any { return d.LastShow }, "1, 5")
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("refresh review: shows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		rc.giveWay.Yield()
		s := kb.Show{Shop: rc.shop}
		var at string
		var id int64
		if err := rows.Scan(&s.Conversation, &s.Turn, &s.Agent, &at, &id); err != nil {
			return err
		}
		if s.At, err = parseStamp(at); err != nil {
			return fmt.Errorf("refresh review: show of %s: %w", s.Conversation, err)
		}
		db.digests.AddShow(digests[s.Conversation], s, id)
	}
	return rows.Err()
}

// digestTurns reads the turns each digest lacks (those from its next
// index on), opens their sets and adds what the review reads of them.
func (db *DB) digestTurns(ctx context.Context, rc *reviewCtx, digests map[string]*review.Digest) error {
	q, args := perConversation(`SELECT conversation, idx, role, text, product, at, posted_by, suggestions, set_code
		FROM turns WHERE shop_id = ? AND conversation = ? AND idx >= ?`, rc.shop, digests, func(d *review.Digest) any { return d.Next }, "1, 2")
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("refresh review: turns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		rc.giveWay.Yield()
		var t review.Turn
		var text, product, at, sugg string
		var code []byte
		if err := rows.Scan(&t.Conversation, &t.Index, &t.Role, &text, &product, &at, &t.Agent, &sugg, &code); err != nil {
			return err
		}
		if t.At, err = parseStamp(at); err != nil {
			return fmt.Errorf("refresh review: turn %s/%d: %w", t.Conversation, t.Index, err)
		}
		stored, err := db.suggestionSet(ctx, setparts.Row{Conversation: t.Conversation, Index: t.Index, Role: t.Role, Text: text, At: t.At}, sugg, code)
		if err != nil {
			return fmt.Errorf("refresh review: %w", err)
		}
		db.digests.AddTurn(digests[t.Conversation], t, text, product, stored)
	}
	return rows.Err()
}

// bit is 1 for true, as SQLite stores it.
func bit(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
