package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"assist/kb"
	"assist/kb/review"
)

// The review's rollups (migration 007) are kept by RefreshReview: triggers
// mark a conversation in review_dirty whenever a turn, an event or an
// outcome of it is written; a refresh recomputes the marked conversations'
// rows with kb/review (so the SQL sums are the pure functions' figures) and
// moves the day rows the pages read by the difference (old rows out, new
// rows in). It works a chunk of conversations per transaction, so turns
// waiting for the write lock wait for one chunk at most.

// refreshChunk conversations are read and rewritten per transaction: the
// write lock is held for their rows only (a few milliseconds).
const refreshChunk = 50

// backgroundBudget bounds one shop's refresh in RefreshReviewEvery, so a
// shop whose turns arrive faster than they are rolled up does not hold the
// loop: the rest waits for the next tick.
const backgroundBudget = 10 * time.Second

// refreshLocks holds a mutex per open store (*DB).
var refreshLocks sync.Map

// RefreshReview brings a shop's review rollups up to date and reports how
// many conversations it recomputed.
func (db *DB) RefreshReview(ctx context.Context, shop int64) (int, error) {
	return db.RefreshReviewFor(ctx, shop, 0)
}

// RefreshReviewFor is RefreshReview that starts no new chunk once budget
// has passed (0: no limit), so a page answers in time after a burst of
// traffic and leaves the rest to RefreshReviewEvery.
func (db *DB) RefreshReviewFor(ctx context.Context, shop int64, budget time.Duration) (int, error) {
	// One refresh at a time per store: a day's sums are read before they
	// are written, and a refresh running beside must not write older ones.
	mu, _ := refreshLocks.LoadOrStore(db, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	start := time.Now()
	rc, err := db.reviewContext(ctx, shop)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		var convs []string
		if budget <= 0 || time.Since(start) < budget {
			convs, err = db.claimDirty(ctx, shop, refreshChunk)
		}
		if err != nil || len(convs) == 0 {
			return total, err
		}
		rows, err := db.computeRollup(ctx, rc, convs)
		if err != nil {
			db.markDirty(context.WithoutCancel(ctx), shop, convs)
			return total, err
		}
		if err := db.writeRollup(ctx, shop, convs, rows); err != nil {
			db.markDirty(context.WithoutCancel(ctx), shop, convs)
			return total, err
		}
		total += len(convs)
	}
}

// RefreshReviewEvery refreshes every shop's review at the given interval
// until ctx ends, so pages find little left to do.
func (db *DB) RefreshReviewEvery(ctx context.Context, every time.Duration, onError func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		shops, err := db.dirtyShops(ctx)
		for _, shop := range shops {
			if err == nil {
				_, err = db.RefreshReviewFor(ctx, shop, backgroundBudget)
			}
		}
		if err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
	}
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

// reviewCtx is what every conversation's rollup needs of its shop.
type reviewCtx struct {
	shop     int64
	loc      *time.Location
	notAgent map[string]bool   // the shop's managers and admins, whose panels do not count
	scenes   map[string]string // phrase id → scene
}

func (db *DB) reviewContext(ctx context.Context, shop int64) (*reviewCtx, error) {
	rc := &reviewCtx{shop: shop, notAgent: map[string]bool{}, scenes: map[string]string{}}
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
func (db *DB) claimDirty(ctx context.Context, shop int64, n int) ([]string, error) {
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("refresh review: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT conversation FROM review_dirty WHERE shop_id = ? LIMIT ?`, shop, n)
	if err != nil {
		return nil, fmt.Errorf("refresh review: %w", err)
	}
	var convs []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		convs = append(convs, c)
	}
	rows.Close()
	if len(convs) == 0 {
		return nil, nil
	}
	in, args := inList(shop, convs)
	if _, err := tx.ExecContext(ctx, `DELETE FROM review_dirty WHERE shop_id = ? AND conversation IN `+in, args...); err != nil {
		return nil, fmt.Errorf("refresh review: %w", err)
	}
	return convs, tx.Commit()
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

// storedSet is the part of a stored suggestion set the review reads.
type storedSet struct {
	Product string `json:"product"`
	Nudges  []struct {
		Kind     string `json:"kind"`
		Category string `json:"category"`
	} `json:"nudges"`
}

// rollup is the rows of a chunk of conversations.
type rollup struct {
	conv []convRow
	sugg []suggRow
}

type convRow struct {
	conv, day, product string
	week               review.AgentWeek
	quality            review.Quality
	checked            bool
}

type suggRow struct {
	conv, agent, product, scene, day string
	f                                review.SuggestionFigures
}

func (db *DB) computeRollup(ctx context.Context, rc *reviewCtx, convs []string) (*rollup, error) {
	data := make(map[string]*convData, len(convs))
	for _, c := range convs {
		data[c] = &convData{}
	}
	in, args := inList(rc.shop, convs)
	rows, err := db.db.QueryContext(ctx, `SELECT conversation, idx, role, text, product, at, posted_by, suggestions
		FROM turns WHERE shop_id = ? AND conversation IN `+in+` ORDER BY conversation, idx`, args...)
	if err != nil {
		return nil, fmt.Errorf("refresh review: turns: %w", err)
	}
	for rows.Next() {
		var t review.Turn
		var text, product, at, sugg string
		if err := rows.Scan(&t.Conversation, &t.Index, &t.Role, &text, &product, &at, &t.Agent, &sugg); err != nil {
			rows.Close()
			return nil, err
		}
		if t.At, err = parseStamp(at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("refresh review: turn %s/%d: %w", t.Conversation, t.Index, err)
		}
		if t.Role != review.Agent {
			t.Agent = "" // a buyer turn's poster is the platform, not an agent it was routed to
		}
		var set storedSet
		json.Unmarshal([]byte(sugg), &set) // a set that does not decode has no nudges
		q := review.QualityTurn{Role: t.Role, Text: text}
		for _, n := range set.Nudges {
			id := n.Kind
			if n.Category != "" {
				id += ":" + n.Category
			}
			q.Nudges = append(q.Nudges, id)
		}
		d := data[t.Conversation]
		d.turns = append(d.turns, t)
		d.quality = append(d.quality, q)
		if d.product == "" {
			d.product = product
			if d.product == "" {
				d.product = set.Product
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = db.db.QueryContext(ctx, `SELECT conversation, turn, agent, suggestion_id, kind, action, typed, edited, at
		FROM events WHERE shop_id = ? AND conversation IN `+in+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("refresh review: events: %w", err)
	}
	for rows.Next() {
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

	rows, err = db.db.QueryContext(ctx, `SELECT conversation, details FROM outcomes WHERE shop_id = ? AND conversation IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("refresh review: outcomes: %w", err)
	}
	for rows.Next() {
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

	opt := review.Options{Location: rc.loc, IsAgent: func(name string) bool { return !rc.notAgent[name] }}
	words := review.DefaultWords()
	out := &rollup{}
	for _, c := range convs {
		d := data[c]
		in := review.Input{Turns: d.turns, Events: d.events, Outcomes: d.outcomes}
		day := ""
		for _, t := range d.turns {
			if t.Role == review.Buyer {
				day = t.At.In(rc.loc).Format(time.DateOnly)
				break
			}
		}
		owner := review.Unassigned
		if day != "" {
			q, checked := words.Check(d.quality)
			for _, w := range review.Agents(in, opt) {
				r := convRow{conv: c, day: day, product: d.product, week: w}
				if w.Consultations > 0 {
					owner = w.Agent
					r.quality, r.checked = q, checked
				}
				out.conv = append(out.conv, r)
			}
		}
		firstShown := map[[2]string]time.Time{}
		for _, e := range d.events {
			if e.Action != kb.ActionShown || rc.notAgent[e.Agent] {
				continue
			}
			k := [2]string{e.Kind, e.SuggestionID}
			if t, ok := firstShown[k]; !ok || e.At.Before(t) {
				firstShown[k] = e.At
			}
		}
		for _, f := range review.Suggestions(in, opt) {
			scene := ""
			switch f.Kind {
			case kb.SuggestionPhrase:
				scene = rc.scenes[f.SuggestionID]
			case kb.SuggestionNudge:
				scene, _, _ = strings.Cut(f.SuggestionID, ":")
			}
			out.sugg = append(out.sugg, suggRow{conv: c, agent: owner, product: d.product, scene: scene,
				day: firstShown[[2]string{f.Kind, f.SuggestionID}].In(rc.loc).Format(time.DateOnly), f: f})
		}
	}
	return out, nil
}

func (db *DB) writeRollup(ctx context.Context, shop int64, convs []string, r *rollup) error {
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("refresh review: %w", err)
	}
	defer tx.Rollback()
	in, args := inList(shop, convs)
	// The day rows lose these conversations' old rows and gain their new
	// ones: a chunk touches only its own rows, whatever the size of a day.
	if err := applyToDays(ctx, tx, "-", in, args); err != nil {
		return err
	}
	for _, table := range []string{"review_conv", "review_sugg_conv"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE shop_id = ? AND conversation IN `+in, args...); err != nil {
			return fmt.Errorf("refresh review: %w", err)
		}
	}
	convStmt, err := tx.PrepareContext(ctx, `INSERT INTO review_conv (shop_id, conversation, agent, week, day, product,
		consultations, replied, converted, paid_orders, paid_amount, responses, response_ms, first_responses, first_ms,
		qc_score, qc_promise, qc_admission, qc_wording, qc_discount, qc_greeting, qc_closing)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("refresh review: %w", err)
	}
	defer convStmt.Close()
	for _, c := range r.conv {
		w, q := c.week, c.quality
		score := -1
		if c.checked {
			score = q.Score
		}
		if _, err := convStmt.ExecContext(ctx, shop, c.conv, w.Agent, w.Week, c.day, c.product,
			w.Consultations, w.Replied, w.Converted, w.PaidOrders, int64(w.PaidAmount), w.Responses,
			w.ResponseTotal.Milliseconds(), w.FirstResponses, w.FirstTotal.Milliseconds(),
			score, q.Promise, q.Admission, q.Wording, q.Discount, q.Greeting, q.Closing); err != nil {
			return fmt.Errorf("refresh review: %s: %w", c.conv, err)
		}
	}
	suggStmt, err := tx.PrepareContext(ctx, `INSERT INTO review_sugg_conv (shop_id, conversation, kind, sid, agent,
		product, scene, day, shown, used, typed, edited, dismissed, used_conv,
		s_paid, s_cancelled, s_refund, s_dispute, s_won, s_lost, s_good, s_bad)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("refresh review: %w", err)
	}
	defer suggStmt.Close()
	for _, s := range r.sugg {
		f := s.f
		args := []any{shop, s.conv, f.Kind, f.SuggestionID, s.agent, s.product, s.scene, s.day,
			f.Shown, f.Used, f.Typed, f.Edited, f.Dismissed, f.After[review.SignalOrderPaid].Used > 0}
		for _, sig := range review.Signals {
			c := f.After[sig]
			args = append(args, c.UsedWith+c.UnusedWith)
		}
		if _, err := suggStmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("refresh review: %s: %w", s.conv, err)
		}
	}
	if err := applyToDays(ctx, tx, "+", in, args); err != nil {
		return err
	}
	return tx.Commit()
}

// signalColumns are the s_* columns in the order of review.Signals.
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
		suggSums = append(suggSums, "SUM(CASE WHEN used_conv THEN s_"+c+" ELSE 0 END)")
	}
	for _, c := range signalColumns {
		suggCols = append(suggCols, "n_"+c)
		suggSums = append(suggSums, "SUM(CASE WHEN used_conv THEN 0 ELSE s_"+c+" END)")
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
				"SUM(responses)", "SUM(response_ms)", "SUM(first_responses)", "SUM(first_ms)", "SUM(qc_score >= 0)",
				"SUM(MAX(qc_score, 0))", "SUM(qc_promise)", "SUM(qc_admission)", "SUM(qc_wording)", "SUM(qc_discount)",
				"SUM(qc_greeting)", "SUM(qc_closing)"}},
	}
}()

// applyToDays adds (sign "+") or takes away (sign "-") the conversation
// rows of the conversations in `in` to or from the day rows.
func applyToDays(ctx context.Context, tx *sql.Tx, sign, in string, args []any) error {
	for _, t := range dayTables {
		keys := strings.Join(t.keys, ", ")
		insertCols, selectCols, updates := []string{}, []string{}, []string{}
		if t.src == "review_sugg_conv" {
			insertCols, selectCols = append(insertCols, "scene"), append(selectCols, "MAX(scene)")
		}
		for i, c := range t.cols {
			insertCols = append(insertCols, c)
			selectCols = append(selectCols, sign+"("+t.sums[i]+")")
			updates = append(updates, c+" = "+c+" + excluded."+c)
		}
		q := `INSERT INTO ` + t.table + ` (shop_id, day, ` + keys + `, ` + strings.Join(insertCols, ", ") + `)
			SELECT shop_id, day, ` + keys + `, ` + strings.Join(selectCols, ", ") + ` FROM ` + t.src + `
			WHERE shop_id = ? AND conversation IN ` + in + ` GROUP BY day, ` + keys + `
			ON CONFLICT (` + t.conflict + `) DO UPDATE SET ` + strings.Join(updates, ", ")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("refresh review: %s: %w", t.table, err)
		}
	}
	return nil
}
