package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"assist/kb/review"
	"assist/kb/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

func at(day, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", day+" "+clock, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// TestReviewRefreshByDifference checks that rollups kept up by refreshes
// between writes (each moving the day rows by its chunk's difference) give
// the pages what a rollup of the whole history from scratch gives, and that
// every day row is the sum of its conversation rows, as a GROUP BY over
// them computes it. Conversations gain turns from a second agent, cross
// into the next week, get outcomes, typed uses, pushes to the panels
// (shows) and a manager's views between refreshes. The turns each refresh
// digested are kept for the next (kb/review.Digests), and the rows that did
// not change are not written again: the test runs with room for every
// conversation's turns, and with room for a few, so that conversations are
// pushed out and read whole again between refreshes.
func TestReviewRefreshByDifference(t *testing.T) {
	for _, keep := range []int{review.MaxDigestTurns, 7} {
		t.Run(fmt.Sprintf("keep %d turns", keep), func(t *testing.T) { testReviewRefreshByDifference(t, keep) })
	}
}

func testReviewRefreshByDifference(t *testing.T, keep int) {
	db := openWithShop(t)
	db.digests = review.NewDigests(keep)
	storetest.GrowReviewHistory(t, db, 1, func() { checkDaySums(t, db); checkKeptRows(t, db) })
	pages := func() []string { return storetest.ReviewPages(t, db, 1) }
	// The conversations' own rows, beside the pages: not every figure of
	// them reaches a page.
	convRows := func() []string { return convRowStrings(t, db) }
	kept, keptRows := pages(), convRows()
	rollUpFromScratch(t, db)
	storetest.ComparePages(t, kept, pages())
	compareRows(t, keptRows, convRows())
}

// rollUpFromScratch empties the review's tables and rolls every
// conversation up again, every turn read again.
func rollUpFromScratch(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.db.ExecContext(ctx, `DELETE FROM review_conv; DELETE FROM review_sugg_conv; DELETE FROM review_agent_day;
		DELETE FROM review_sugg_day; DELETE FROM review_sugg_pday;
		INSERT OR IGNORE INTO review_dirty (shop_id, conversation) SELECT shop_id, id FROM conversations
			UNION SELECT shop_id, conversation FROM events UNION SELECT shop_id, conversation FROM outcomes`); err != nil {
		t.Fatal(err)
	}
	db.digests.Reset()
	if _, err := db.RefreshReview(ctx, 1); err != nil {
		t.Fatal(err)
	}
}

// convRowStrings is the conversations' own rows, printed.
func convRowStrings(t *testing.T, db *DB) []string {
	return append(rowStrings(t, db, `SELECT * FROM review_conv ORDER BY conversation, agent, week`),
		rowStrings(t, db, `SELECT * FROM review_sugg_conv ORDER BY conversation, kind, sid`)...)
}

func compareRows(t *testing.T, kept, fresh []string) {
	t.Helper()
	if strings.Join(fresh, "\n") != strings.Join(kept, "\n") {
		t.Errorf("conversation rows kept up by differences (%d) differ from those rolled up from scratch (%d)", len(kept), len(fresh))
		for i := range min(len(fresh), len(kept)) {
			if fresh[i] != kept[i] {
				t.Errorf("first difference:\nkept:    %s\nscratch: %s", kept[i], fresh[i])
				break
			}
		}
	}
}

// TestRefreshKeepsNoRowsFromAFailedWrite: a refresh whose write fails
// keeps no rows with its digests (the transaction that failed wrote none
// of them), so the next refresh reads what is stored, and the rows end as
// a rollup from scratch makes them.
func TestRefreshKeepsNoRowsFromAFailedWrite(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	convs := []string{"a", "b", "c"}
	turns := func(i int) {
		t.Helper()
		for _, c := range convs {
			st := storedTurn(c, i, "在吗")
			if i%2 == 1 {
				st.Role, st.PostedBy, st.Text = "agent", "xiaoli", "在的亲"
			}
			if err := db.AddTurn(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
	}
	turns(0)
	if _, err := db.RefreshReview(ctx, 1); err != nil {
		t.Fatal(err)
	}
	checkKeptRows(t, db)
	if _, err := db.db.ExecContext(ctx, `CREATE TRIGGER fail_b BEFORE INSERT ON review_conv WHEN NEW.conversation = 'b'
		BEGIN SELECT RAISE(ABORT, 'injected'); END`); err != nil {
		t.Fatal(err)
	}
	turns(1)
	if _, err := db.RefreshReview(ctx, 1); err == nil || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("refresh: %v, want the injected failure", err)
	}
	checkKeptRows(t, db)
	if _, err := db.db.ExecContext(ctx, `DROP TRIGGER fail_b`); err != nil {
		t.Fatal(err)
	}
	turns(2)
	if n, err := db.RefreshReview(ctx, 1); err != nil || n != len(convs) {
		t.Fatalf("refreshed %d, %v; want %d", n, err, len(convs))
	}
	checkKeptRows(t, db)
	kept := convRowStrings(t, db)
	rollUpFromScratch(t, db)
	compareRows(t, kept, convRowStrings(t, db))
}

// checkKeptRows compares the rows kept with each digest of shop 1 with
// those stored, which the next refresh would otherwise read.
func checkKeptRows(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.db.QueryContext(ctx, `SELECT id FROM conversations WHERE shop_id = 1`)
	if err != nil {
		t.Fatal(err)
	}
	var convs []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		convs = append(convs, c)
	}
	rows.Close()
	rc := &reviewCtx{shop: 1}
	kept := 0
	for _, c := range convs {
		d := db.digests.Take(1, c)
		if k, ok := d.Kept.(*convRows); ok {
			kept++
			stored, err := db.readRollup(ctx, rc, []string{c})
			if err != nil {
				t.Fatal(err)
			}
			if !k.equal(*stored[c]) {
				t.Fatalf("%s: rows kept %+v, stored %+v", c, *k, *stored[c])
			}
		}
		db.digests.Put(d)
	}
	if len(convs) > 10 && kept == 0 {
		t.Fatalf("none of %d conversations has its rows kept", len(convs))
	}
}

// rowStrings is each row q reads, its columns printed together.
func rowStrings(t *testing.T, db *DB, q string) []string {
	t.Helper()
	rows, err := db.db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(v...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkDaySums compares each day table with its conversation table summed
// by a GROUP BY (the sums the rollup made in SQL before it moved day rows
// by differences), leaving out day rows that are all zero.
func checkDaySums(t *testing.T, db *DB) {
	t.Helper()
	sugg := []string{"SUM(shown)", "SUM(used)", "SUM(typed)", "SUM(edited)", "SUM(dismissed)", "SUM(used_conv)", "SUM(1 - used_conv)"}
	for _, c := range signalColumns {
		sugg = append(sugg, "SUM(CASE WHEN used_conv THEN s_"+c+" ELSE 0 END)")
	}
	for _, c := range signalColumns {
		sugg = append(sugg, "SUM(CASE WHEN used_conv THEN 0 ELSE s_"+c+" END)")
	}
	agent := []string{"SUM(consultations)", "SUM(replied)", "SUM(converted)", "SUM(paid_orders)", "SUM(paid_amount)",
		"SUM(responses)", "SUM(response_ms)", "SUM(first_responses)", "SUM(first_ms)", "SUM(qc_score >= 0)",
		"SUM(MAX(qc_score, 0))", "SUM(qc_promise)", "SUM(qc_admission)", "SUM(qc_wording)", "SUM(qc_discount)",
		"SUM(qc_greeting)", "SUM(qc_closing)"}
	for _, d := range []struct {
		t    *dayTable
		src  string
		sums []string
	}{{&agentDay, "review_conv", agent}, {&suggDay, "review_sugg_conv", sugg}, {&suggProductDay, "review_sugg_conv", sugg}} {
		keys := "day, " + strings.Join(d.t.keys, ", ")
		read := func(q string) []string { return rowStrings(t, db, q) }
		nonZero := make([]string, len(d.t.cols))
		for i, c := range d.t.cols {
			nonZero[i] = c + " != 0"
		}
		got := read(`SELECT ` + keys + `, ` + strings.Join(d.t.cols, ", ") + ` FROM ` + d.t.table +
			` WHERE ` + strings.Join(nonZero, " OR ") + ` ORDER BY ` + keys)
		sums, sumsNonZero := make([]string, len(d.sums)), make([]string, len(d.sums))
		for i, s := range d.sums {
			sums[i], sumsNonZero[i] = fmt.Sprintf("%s AS v%d", s, i), fmt.Sprintf("v%d != 0", i)
		}
		want := read(`SELECT * FROM (SELECT ` + keys + `, ` + strings.Join(sums, ", ") + ` FROM ` + d.src +
			` GROUP BY ` + keys + `) WHERE ` + strings.Join(sumsNonZero, " OR ") + ` ORDER BY ` + keys)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s is not the sum of %s:\n got %d rows %v\nwant %d rows %v", d.t.table, d.src, len(got), got, len(want), want)
		}
	}
}

// TestReviewPageDoesNotWait: while the shop's review is being refreshed
// (by the server's background refresh), a page answers at once from the
// rows as they are, and the figures are there once that refresh is done.
func TestReviewPageDoesNotWait(t *testing.T) {
	// The small week whose figures the contract suite checks by hand.
	db := openTemp(t)
	shop := storetest.SeedReview(t, db)
	ctx := context.Background()
	l := db.refreshLock(shop)
	l.lock(ctx) // a refresh of the shop is running
	start := time.Now()
	n, err := db.RefreshReviewFor(ctx, shop, time.Minute)
	if err != nil || n != 0 || time.Since(start) > 5*time.Second {
		t.Fatalf("page refresh while another runs: %d, %v after %v; want 0 at once", n, err, time.Since(start))
	}
	if agents, _ := db.ReviewAgents(ctx, shop, review.Filter{}); len(agents) != 0 {
		t.Errorf("agents before any refresh = %+v, want none yet", agents)
	}
	l.unlock()
	if n, err := db.RefreshReviewFor(ctx, shop, time.Minute); err != nil || n != 3 {
		t.Fatalf("page refresh once the other is done: %d, %v; want 3", n, err)
	}
	if agents, _ := db.ReviewAgents(ctx, shop, review.Filter{}); len(agents) != 3 {
		t.Errorf("agents = %+v, want 3 rows", agents)
	}
}

// TestClaimGoesRoundTheMarks: the refresh claims a shop's marked
// conversations round their order, so each is claimed within a round of
// the marks even when every one claimed is marked again at once (a chat's
// next turn) and a claim takes fewer than are marked.
func TestClaimGoesRoundTheMarks(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	mark := func(convs ...string) {
		t.Helper()
		for _, c := range convs {
			if _, err := db.db.ExecContext(ctx, `INSERT OR IGNORE INTO review_dirty (shop_id, conversation) VALUES (1, ?)`, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	var all []string
	for i := range 10 {
		all = append(all, fmt.Sprintf("c%02d", i))
	}
	mark(all...)
	claimed := map[string]int{}
	var after string
	for round := range 8 { // two rounds of the ten, three at a time
		convs, err := db.claimDirty(ctx, 1, 3, &after)
		if err != nil {
			t.Fatal(err)
		}
		if len(convs) != 3 {
			t.Fatalf("claim %d: %v, want 3", round, convs)
		}
		for _, c := range convs {
			claimed[c]++
		}
		mark(convs...)
	}
	for _, c := range all {
		if claimed[c] < 2 {
			t.Errorf("%s claimed %d times in 24 claims of 10 conversations, want at least 2: %v", c, claimed[c], claimed)
		}
	}
}
