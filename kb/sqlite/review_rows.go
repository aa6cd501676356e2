package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"assist/kb/review"
)

// The review's rows as stored, and how a chunk of conversations moves them.
// A refresh reads a chunk's old rows and computes its new ones outside any
// write transaction (only a refresh writes these tables, one at a time per
// shop), leaves alone the conversations whose rows did not change, and
// works out in Go by how much each day row moves. The write transactions
// then only delete, insert and add, with statements prepared beforehand,
// about a millisecond's worth each: the write lock the turns share is held
// for the rows that changed, not for reading and summing them, and a turn
// that arrives meanwhile waits for one such transaction at most.

// convRec is a review_conv row.
type convRec struct {
	conv, agent, week, day, product string
	n                               [len(convNums)]int64
}

// convNums are review_conv's integer columns, in the order of convRec.n.
var convNums = [...]string{"consultations", "replied", "converted", "paid_orders", "paid_amount", "responses",
	"response_ms", "first_responses", "first_ms", "qc_score", "qc_promise", "qc_admission", "qc_wording",
	"qc_discount", "qc_greeting", "qc_closing"}

const convScore = 9 // convNums[convScore] is qc_score: -1 when the consultation was not checked

// suggRec is a review_sugg_conv row.
type suggRec struct {
	conv, kind, sid, agent, product, scene, day string
	n                                           [len(suggNums)]int64
}

// suggNums are review_sugg_conv's integer columns, in the order of suggRec.n:
// the counts, used_conv, then s_* in the order of review.Signals.
var suggNums = [...]string{"shown", "used", "typed", "edited", "dismissed", "used_conv",
	"s_paid", "s_cancelled", "s_refund", "s_dispute", "s_won", "s_lost", "s_good", "s_bad"}

const suggUsedConv = 5 // suggNums[suggUsedConv] is used_conv, 0 or 1

// convRows is one conversation's rows.
type convRows struct {
	conv []convRec
	sugg []suggRec
}

// weight is the rows' size in turns' worth, for the digests' bound: a row
// holds about a third of what a digested turn does.
func (r *convRows) weight() int { return (len(r.conv) + len(r.sugg)) / 3 }

func (r convRows) equal(o convRows) bool {
	if len(r.conv) != len(o.conv) || len(r.sugg) != len(o.sugg) {
		return false
	}
	for i := range r.conv {
		if r.conv[i] != o.conv[i] {
			return false
		}
	}
	for i := range r.sugg {
		if r.sugg[i] != o.sugg[i] {
			return false
		}
	}
	return true
}

// readRollup reads the stored rows of convs, each conversation's in key
// order (as computeRollup makes them).
func (db *DB) readRollup(ctx context.Context, rc *reviewCtx, convs []string) (map[string]*convRows, error) {
	out := make(map[string]*convRows, len(convs))
	for _, c := range convs {
		out[c] = &convRows{}
	}
	in, args := inList(rc.shop, convs)
	rows, err := db.db.QueryContext(ctx, `SELECT conversation, agent, week, day, product, `+strings.Join(convNums[:], ", ")+`
		FROM review_conv WHERE shop_id = ? AND conversation IN `+in+` ORDER BY conversation, agent, week`, args...)
	if err != nil {
		return nil, fmt.Errorf("refresh review: stored rows: %w", err)
	}
	for rows.Next() {
		rc.giveWay.Yield()
		var r convRec
		dest := []any{&r.conv, &r.agent, &r.week, &r.day, &r.product}
		for i := range r.n {
			dest = append(dest, &r.n[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("refresh review: stored rows: %w", err)
		}
		out[r.conv].conv = append(out[r.conv].conv, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.db.QueryContext(ctx, `SELECT conversation, kind, sid, agent, product, scene, day, `+strings.Join(suggNums[:], ", ")+`
		FROM review_sugg_conv WHERE shop_id = ? AND conversation IN `+in+` ORDER BY conversation, kind, sid`, args...)
	if err != nil {
		return nil, fmt.Errorf("refresh review: stored rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		rc.giveWay.Yield()
		var r suggRec
		dest := []any{&r.conv, &r.kind, &r.sid, &r.agent, &r.product, &r.scene, &r.day}
		for i := range r.n {
			dest = append(dest, &r.n[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("refresh review: stored rows: %w", err)
		}
		out[r.conv].sugg = append(out[r.conv].sugg, r)
	}
	return out, rows.Err()
}

// dayKey is a day row's key after shop_id; a table leaves its unused parts
// empty.
type dayKey struct{ day, agent, product, week, kind, sid string }

// part is the key's value for column col.
func (k dayKey) part(col string) string {
	switch col {
	case "agent":
		return k.agent
	case "product":
		return k.product
	case "week":
		return k.week
	case "kind":
		return k.kind
	case "sid":
		return k.sid
	}
	panic("review: no key column " + col)
}

// dayMove is how far one day row moves. A row first met among the new rows
// is written even when it does not move, as summing from scratch would
// have made it; one met among the old rows exists already.
type dayMove struct {
	scene string
	n     []int64
	isNew bool // met only among new rows so far
}

// dayTable is a rollup of conversation rows by day: its key columns after
// shop_id and day, its primary key (for the upsert) and its value columns
// (agentDayValues and suggDayValues give what one conversation row adds).
type dayTable struct {
	table    string
	keys     []string
	conflict string
	scene    bool // it keeps the suggestion's scene
	cols     []string
}

var (
	agentDay = dayTable{table: "review_agent_day", keys: []string{"agent", "product", "week"},
		conflict: "shop_id, day, agent, product, week",
		cols: []string{"consultations", "replied", "converted", "paid_orders", "paid_amount", "responses", "response_ms",
			"first_responses", "first_ms", "checked", "score_sum", "qc_promise", "qc_admission", "qc_wording",
			"qc_discount", "qc_greeting", "qc_closing"}}
	suggDay = dayTable{table: "review_sugg_day", keys: []string{"agent", "kind", "sid"},
		conflict: "shop_id, day, agent, kind, sid", scene: true, cols: suggDayCols()}
	suggProductDay = dayTable{table: "review_sugg_pday", keys: []string{"agent", "product", "kind", "sid"},
		conflict: "shop_id, product, day, agent, kind, sid", scene: true, cols: suggDayCols()}
)

// signalColumns are the s_*, u_* and n_* suffixes in the order of review.Signals.
var signalColumns = []string{"paid", "cancelled", "refund", "dispute", "won", "lost", "good", "bad"}

func suggDayCols() []string {
	cols := []string{"shown", "used", "typed", "edited", "dismissed", "conv_used", "conv_unused"}
	for _, p := range []string{"u_", "n_"} {
		for _, c := range signalColumns {
			cols = append(cols, p+c)
		}
	}
	return cols
}

// agentDayValues is what a review_conv row adds to its review_agent_day row.
func agentDayValues(r *convRec) []int64 {
	v := make([]int64, 0, len(agentDay.cols))
	v = append(v, r.n[:convScore]...)
	checked, score := int64(0), r.n[convScore]
	if score >= 0 {
		checked = 1
	} else {
		score = 0
	}
	v = append(v, checked, score)
	return append(v, r.n[convScore+1:]...)
}

// suggDayValues is what a review_sugg_conv row adds to its day rows: the
// counts, whether it was used in its conversation or not, and each signal
// on the used side or the unused side.
func suggDayValues(r *suggRec) []int64 {
	v := make([]int64, 0, len(suggDay.cols))
	used := r.n[suggUsedConv]
	v = append(v, r.n[:suggUsedConv]...)
	v = append(v, used, 1-used)
	signals := r.n[suggUsedConv+1:]
	for _, s := range signals {
		v = append(v, s*used)
	}
	for _, s := range signals {
		v = append(v, s*(1-used))
	}
	return v
}

// dayMoves sums the moves of one day table.
type dayMoves struct {
	t     *dayTable
	order []dayKey
	moves map[dayKey]*dayMove
}

func newDayMoves(t *dayTable) *dayMoves { return &dayMoves{t: t, moves: map[dayKey]*dayMove{}} }

// add moves k by sign × v.
func (d *dayMoves) add(k dayKey, scene string, v []int64, sign int64) {
	m := d.moves[k]
	if m == nil {
		m = &dayMove{scene: scene, n: make([]int64, len(v)), isNew: sign > 0}
		d.moves[k] = m
		d.order = append(d.order, k)
	}
	if sign < 0 {
		m.isNew = false
	} else if m.scene < scene { // the largest scene of the new rows, as MAX(scene) gave
		m.scene = scene
	}
	for i, x := range v {
		m.n[i] += sign * x
	}
}

// args are the upserts' arguments, leaving out the rows that exist and
// stand still.
func (d *dayMoves) args(shop int64) [][]any {
	var out [][]any
	for _, k := range d.order {
		m := d.moves[k]
		if !m.isNew && !moves(m.n) {
			continue
		}
		row := []any{shop, k.day}
		for _, key := range d.t.keys {
			row = append(row, k.part(key))
		}
		if d.t.scene {
			row = append(row, m.scene)
		}
		for _, x := range m.n {
			row = append(row, x)
		}
		out = append(out, row)
	}
	return out
}

func moves(n []int64) bool {
	for _, x := range n {
		if x != 0 {
			return true
		}
	}
	return false
}

// convWrite is what one conversation whose rows changed writes, made ready
// outside the write lock: the arguments of each statement of rollupStmts.
type convWrite struct {
	conv    string
	deletes [2][][]any // review_conv, review_sugg_conv: keys of rows gone
	puts    [2][][]any // rows new or changed, whole
	days    [len(dayTables)][][]any
}

var dayTables = [...]*dayTable{&agentDay, &suggDay, &suggProductDay}

// diffRollup compares each conversation's new rows with its stored ones
// and returns the writes of those that changed.
func diffRollup(rc *reviewCtx, convs []string, old, fresh map[string]*convRows) []convWrite {
	shop := rc.shop
	var out []convWrite
	for _, c := range convs {
		rc.giveWay.Yield()
		o, n := old[c], fresh[c]
		if o.equal(*n) {
			continue
		}
		// Only the rows that changed are written, and only they move the
		// day rows (a row unchanged would move them out and back in): a
		// chat that goes on changes a few of its rows at each refresh (its
		// figures, the suggestions of its last turns), not all it has
		// gathered.
		w := convWrite{conv: c}
		var gone, came convRows
		var droppedConv, droppedSugg [][2]string
		gone.conv, came.conv, droppedConv = changedRows(o.conv, n.conv, func(r convRec) [2]string { return [2]string{r.agent, r.week} })
		gone.sugg, came.sugg, droppedSugg = changedRows(o.sugg, n.sugg, func(r suggRec) [2]string { return [2]string{r.kind, r.sid} })
		for _, r := range came.conv {
			row := []any{shop, r.conv, r.agent, r.week, r.day, r.product}
			for _, x := range r.n {
				row = append(row, x)
			}
			w.puts[0] = append(w.puts[0], row)
		}
		for _, r := range came.sugg {
			row := []any{shop, r.conv, r.kind, r.sid, r.agent, r.product, r.scene, r.day}
			for _, x := range r.n {
				row = append(row, x)
			}
			w.puts[1] = append(w.puts[1], row)
		}
		for i, dropped := range [2][][2]string{droppedConv, droppedSugg} {
			for _, k := range dropped {
				w.deletes[i] = append(w.deletes[i], []any{shop, c, k[0], k[1]})
			}
		}
		agents, sugg, psugg := newDayMoves(&agentDay), newDayMoves(&suggDay), newDayMoves(&suggProductDay)
		for _, side := range []struct {
			rows *convRows
			sign int64
		}{{&gone, -1}, {&came, 1}} {
			for i := range side.rows.conv {
				r := &side.rows.conv[i]
				agents.add(dayKey{day: r.day, agent: r.agent, product: r.product, week: r.week}, "", agentDayValues(r), side.sign)
			}
			for i := range side.rows.sugg {
				r := &side.rows.sugg[i]
				v := suggDayValues(r)
				sugg.add(dayKey{day: r.day, agent: r.agent, kind: r.kind, sid: r.sid}, r.scene, v, side.sign)
				psugg.add(dayKey{day: r.day, agent: r.agent, product: r.product, kind: r.kind, sid: r.sid}, r.scene, v, side.sign)
			}
		}
		w.days = [...][][]any{agents.args(shop), sugg.args(shop), psugg.args(shop)}
		out = append(out, w)
	}
	return out
}

// changedRows compares a conversation's stored rows with its fresh ones by
// their key: the stored rows replaced or gone, the fresh rows new or
// changed, and the keys of the rows gone.
func changedRows[R comparable](old, fresh []R, key func(R) [2]string) (gone, came []R, dropped [][2]string) {
	prev := make(map[[2]string]R, len(old))
	for _, r := range old {
		prev[key(r)] = r
	}
	for _, r := range fresh {
		k := key(r)
		p, ok := prev[k]
		delete(prev, k)
		if ok && p == r {
			continue
		}
		if ok {
			gone = append(gone, p)
		}
		came = append(came, r)
	}
	for k, r := range prev {
		gone = append(gone, r)
		dropped = append(dropped, k)
	}
	return gone, came, dropped
}

// rollupStmts are the statements a refresh writes with, prepared once per
// refresh rather than inside each write transaction. They are prepared on
// the pool, and the refresh's transactions are the pool's: used in a
// transaction of the writer (a held sql.Conn), database/sql would prepare
// each again on it and close those only when the connection went back to
// the pool, which the writer never does (docs/figures.md, session 15).
type rollupStmts struct {
	delete, put [2]*sql.Stmt // review_conv, review_sugg_conv: a row by its key
	days        [len(dayTables)]*sql.Stmt

	// rest is how long a background refresh leaves the write lock free
	// after each write, as a multiple of how long it held it; next is
	// when the next write may begin.
	rest         float64
	next         time.Time
	paused       time.Duration // how long pace and idle have waited
	writes       int           // since the last checkpoint
	checkpointed time.Time
}

func (db *DB) prepareRollup(ctx context.Context) (*rollupStmts, error) {
	st := &rollupStmts{}
	prepare := func(q string) (*sql.Stmt, error) {
		s, err := db.db.PrepareContext(ctx, q)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("refresh review: %w", err)
		}
		return s, nil
	}
	var err error
	for i, t := range []struct {
		table string
		key   string // the primary key's columns after shop_id and conversation
		cols  []string
	}{{"review_conv", "agent = ? AND week = ?", append([]string{"shop_id", "conversation", "agent", "week", "day", "product"}, convNums[:]...)},
		{"review_sugg_conv", "kind = ? AND sid = ?", append([]string{"shop_id", "conversation", "kind", "sid", "agent", "product", "scene", "day"}, suggNums[:]...)}} {
		if st.delete[i], err = prepare(`DELETE FROM ` + t.table + ` WHERE shop_id = ? AND conversation = ? AND ` + t.key); err != nil {
			return nil, err
		}
		if st.put[i], err = prepare(`INSERT OR REPLACE INTO ` + t.table + ` (` + strings.Join(t.cols, ", ") + `) VALUES ` + tuple(len(t.cols))); err != nil {
			return nil, err
		}
	}
	for i, t := range dayTables {
		cols := append([]string{"shop_id", "day"}, t.keys...)
		if t.scene {
			cols = append(cols, "scene")
		}
		cols = append(cols, t.cols...)
		updates := make([]string, len(t.cols))
		for j, c := range t.cols {
			updates[j] = c + " = " + c + " + excluded." + c
		}
		if st.days[i], err = prepare(`INSERT INTO ` + t.table + ` (` + strings.Join(cols, ", ") + `) VALUES ` + tuple(len(cols)) +
			` ON CONFLICT (` + t.conflict + `) DO UPDATE SET ` + strings.Join(updates, ", ")); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (st *rollupStmts) close() {
	for _, s := range append(append(st.delete[:], st.put[:]...), st.days[:]...) {
		if s != nil {
			s.Close()
		}
	}
}

// tuple is "(?, ?, …)" for n values.
func tuple(n int) string { return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")" }

// writeSlice is how long a refresh holds the write lock before it commits
// and lets the turns waiting for it in; each transaction writes at least
// one conversation.
const writeSlice = time.Millisecond

// reviewWriteHeld, when set (by a benchmark), is told how long each of
// the refresh's write transactions held the write lock.
var reviewWriteHeld func(time.Duration)

// writeRollup writes the changed conversations, a few per transaction.
func (db *DB) writeRollup(ctx context.Context, st *rollupStmts, writes []convWrite) error {
	for len(writes) > 0 {
		if err := st.pace(ctx); err != nil {
			return err
		}
		n, held, err := db.writeSome(ctx, st, writes)
		if err != nil {
			return err
		}
		writes = writes[n:]
		st.next = time.Now().Add(time.Duration(st.rest * float64(held)))
		if st.writes++; st.writes >= checkpointWrites && time.Since(st.checkpointed) >= checkpointGap {
			// A refresh writes many pages, so it copies them out itself,
			// beside the writers, rather than grow the log until a commit
			// meets the backstop (autoCheckpointPages) and checkpoints
			// under the write lock.
			if _, err := db.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				return fmt.Errorf("refresh review: checkpoint: %w", err)
			}
			st.checkpointed, st.writes = time.Now(), 0
		}
	}
	return nil
}

// A refresh checkpoints after checkpointWrites write transactions, at
// most once every checkpointGap: a page's few writes leave it to the
// server's checkpoints.
const (
	checkpointWrites = 8
	checkpointGap    = 20 * time.Millisecond
)

// pace waits until the rest after the last write is over.
func (st *rollupStmts) pace(ctx context.Context) error {
	return st.idle(ctx, time.Until(st.next))
}

// idle waits as long as wait, or until ctx ends, and counts it in paused.
func (st *rollupStmts) idle(ctx context.Context, wait time.Duration) error {
	if wait <= 0 {
		return nil
	}
	start := time.Now()
	defer func() { st.paused += time.Since(start) }()
	return review.Sleep(ctx, wait)
}

// writeSome writes the first of writes in one transaction, and those after
// it while writeSlice has not passed, and says how many it wrote.
func (db *DB) writeSome(ctx context.Context, st *rollupStmts, writes []convWrite) (n int, held time.Duration, err error) {
	db.writes.Lock()
	start := time.Now()
	defer func() {
		db.writes.Unlock()
		held = time.Since(start)
		if reviewWriteHeld != nil {
			reviewWriteHeld(held)
		}
	}()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("refresh review: %w", err)
	}
	defer tx.Rollback()
	var del, put [2]*sql.Stmt
	var days [len(dayTables)]*sql.Stmt
	for i := range del {
		del[i], put[i] = tx.StmtContext(ctx, st.delete[i]), tx.StmtContext(ctx, st.put[i])
	}
	for i := range days {
		days[i] = tx.StmtContext(ctx, st.days[i])
	}
	for n < len(writes) && (n == 0 || time.Since(start) < writeSlice) {
		w := &writes[n]
		for i := range del {
			for _, k := range w.deletes[i] {
				if _, err := del[i].ExecContext(ctx, k...); err != nil {
					return 0, 0, fmt.Errorf("refresh review: %s: %w", w.conv, err)
				}
			}
			for _, r := range w.puts[i] {
				if _, err := put[i].ExecContext(ctx, r...); err != nil {
					return 0, 0, fmt.Errorf("refresh review: %s: %w", w.conv, err)
				}
			}
		}
		for i, rows := range w.days {
			for _, r := range rows {
				if _, err := days[i].ExecContext(ctx, r...); err != nil {
					return 0, 0, fmt.Errorf("refresh review: %s of %s: %w", dayTables[i].table, w.conv, err)
				}
			}
		}
		n++
	}
	return n, 0, tx.Commit()
}
