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
	ctx := context.Background()
	storetest.GrowReviewHistory(t, db, 1, func() { checkDaySums(t, db) })
	pages := func() []string { return storetest.ReviewPages(t, db, 1) }
	// The conversations' own rows, beside the pages: not every figure of
	// them reaches a page.
	convRows := func() []string {
		return append(rowStrings(t, db, `SELECT * FROM review_conv ORDER BY conversation, agent, week`),
			rowStrings(t, db, `SELECT * FROM review_sugg_conv ORDER BY conversation, kind, sid`)...)
	}
	kept, keptRows := pages(), convRows()
	if _, err := db.db.ExecContext(ctx, `DELETE FROM review_conv; DELETE FROM review_sugg_conv; DELETE FROM review_agent_day;
		DELETE FROM review_sugg_day; DELETE FROM review_sugg_pday;
		INSERT OR IGNORE INTO review_dirty (shop_id, conversation) SELECT shop_id, id FROM conversations
			UNION SELECT shop_id, conversation FROM events UNION SELECT shop_id, conversation FROM outcomes`); err != nil {
		t.Fatal(err)
	}
	db.digests.Reset() // from scratch: every turn read again
	if _, err := db.RefreshReview(ctx, 1); err != nil {
		t.Fatal(err)
	}
	storetest.ComparePages(t, kept, pages())
	if fresh := convRows(); strings.Join(fresh, "\n") != strings.Join(keptRows, "\n") {
		t.Errorf("conversation rows kept up by differences (%d) differ from those rolled up from scratch (%d)", len(keptRows), len(fresh))
		for i := range min(len(fresh), len(keptRows)) {
			if fresh[i] != keptRows[i] {
				t.Errorf("first difference:\nkept:    %s\nscratch: %s", keptRows[i], fresh[i])
				break
			}
		}
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
