package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"assist/kb"
	"assist/kb/review"
)

// where builds the WHERE clause of a review query over a rollup table.
type where struct {
	conds []string
	args  []any
}

// add appends a condition whose "?" is the next argument.
func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1))
}

// next is the placeholder of an argument after the conditions'.
func (w *where) next(arg any) string {
	w.args = append(w.args, arg)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) String() string { return " WHERE " + strings.Join(w.conds, " AND ") }

func reviewWhere(shop int64, f review.Filter, product bool) *where {
	w := &where{}
	w.add("shop_id = ?", shop)
	if f.From != "" {
		w.add("day >= ?", f.From)
	}
	if f.To != "" {
		w.add("day <= ?", f.To)
	}
	if f.Agent != "" {
		w.add("agent = ?", f.Agent)
	}
	if product && f.Product != "" {
		w.add("product = ?", f.Product)
	}
	return w
}

// sums is "SUM(c)::bigint" of each column: a sum of BIGINT is NUMERIC.
func sums(cols ...string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "SUM(" + c + ")::bigint"
	}
	return strings.Join(out, ", ")
}

// ReviewAgents is the agents page: per agent per ISO week, the 考核 figures
// and the 质检 of their consultations. Call RefreshReview first.
func (db *DB) ReviewAgents(ctx context.Context, shop int64, f review.Filter) ([]review.AgentRow, error) {
	w := reviewWhere(shop, f, true)
	rows, err := db.pool.Query(ctx, `SELECT agent, week, `+sums("consultations", "replied", "converted",
		"paid_orders", "paid_amount", "responses", "response_ms", "first_responses", "first_ms",
		"checked", "score_sum", "qc_promise", "qc_admission", "qc_wording", "qc_discount", "qc_greeting", "qc_closing")+`
		FROM review_agent_day`+w.String()+` GROUP BY agent, week
		HAVING SUM(consultations) > 0 OR SUM(responses) > 0 ORDER BY week COLLATE "C", agent COLLATE "C"`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("review agents: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (review.AgentRow, error) {
		var r review.AgentRow
		var paid, respMs, firstMs int64
		err := row.Scan(&r.Agent, &r.Week, &r.Consultations, &r.Replied, &r.Converted, &r.PaidOrders, &paid,
			&r.Responses, &respMs, &r.FirstResponses, &firstMs, &r.Checked, &r.ScoreSum, &r.Promise, &r.Admission,
			&r.Wording, &r.Discount, &r.Greeting, &r.Closing)
		r.PaidAmount = kb.Money(paid)
		r.ResponseTotal = time.Duration(respMs) * time.Millisecond
		r.FirstTotal = time.Duration(firstMs) * time.Millisecond
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("review agents: %w", err)
	}
	return nonNil(out), nil
}

// ReviewConversations lists the conversations behind an agent's figure:
// the consultations of the filter (and of week, if given) that have the
// figure (review.Figure*), latest first, at most limit.
func (db *DB) ReviewConversations(ctx context.Context, shop int64, f review.Filter, week, figure string, limit int) ([]review.ConversationRow, error) {
	if !review.ValidFigure(figure) {
		return nil, kb.Errorf(kb.EInvalid, "figure %q 不可用 (unknown figure)", figure)
	}
	w := reviewWhere(shop, f, true)
	w.conds = append(w.conds, "consultations = 1")
	if week != "" {
		w.add("week = ?", week)
	}
	switch figure {
	case review.FigureUnreplied:
		w.conds = append(w.conds, "replied = 0")
	case review.FigureConverted:
		w.conds = append(w.conds, "converted = 1")
	case review.FigurePromise, review.FigureAdmission, review.FigureWording, review.FigureDiscount:
		w.conds = append(w.conds, "qc_"+figure+" = 1")
	case review.FigureNoGreeting:
		w.conds = append(w.conds, "qc_score >= 0 AND qc_greeting = 0")
	case review.FigureNoClosing:
		w.conds = append(w.conds, "qc_score >= 0 AND qc_closing = 0")
	case review.FigureLowScore:
		w.conds = append(w.conds, "qc_score >= 0 AND qc_score < 80")
	}
	q := `SELECT conversation, agent, week, day, product, replied, converted, paid_amount,
		first_responses, first_ms, responses, response_ms, qc_score, qc_promise, qc_admission, qc_wording, qc_discount,
		qc_greeting, qc_closing FROM review_conv` + w.String() + ` ORDER BY day DESC, conversation COLLATE "C" LIMIT `
	rows, err := db.pool.Query(ctx, q+w.next(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("review conversations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (review.ConversationRow, error) {
		var r review.ConversationRow
		var paid, firstMs, respMs int64
		var replied, converted, firsts, score int
		var promise, admission, wording, discount, greeting, closing int
		qc := &r.Quality
		err := row.Scan(&r.Conversation, &r.Agent, &r.Week, &r.Day, &r.Product, &replied, &converted, &paid,
			&firsts, &firstMs, &r.Responses, &respMs, &score, &promise, &admission, &wording, &discount, &greeting, &closing)
		r.Replied, r.Converted = replied != 0, converted != 0
		qc.Promise, qc.Admission, qc.Wording = promise != 0, admission != 0, wording != 0
		qc.Discount, qc.Greeting, qc.Closing = discount != 0, greeting != 0, closing != 0
		r.PaidAmount = kb.Money(paid)
		if firsts > 0 {
			r.FirstResponse = time.Duration(firstMs) * time.Millisecond
		}
		r.ResponseTotal = time.Duration(respMs) * time.Millisecond
		r.Checked = score >= 0
		qc.Score = max(score, 0)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("review conversations: %w", err)
	}
	return nonNil(out), nil
}

// ReviewSuggestions is the suggestions page: per suggestion, its figures
// over the filter, most shown first; and the trend of all of them per day.
// It reads the day rows, those kept per product when it filters by one.
func (db *DB) ReviewSuggestions(ctx context.Context, shop int64, f review.Filter) ([]review.SuggestionRow, []review.TrendPoint, error) {
	table, w := "review_sugg_day", reviewWhere(shop, f, false)
	cols := []string{"shown", "used", "typed", "edited", "dismissed", "conv_used", "conv_unused"}
	for _, p := range []string{"u_", "n_"} {
		for _, c := range signalColumns {
			cols = append(cols, p+c)
		}
	}
	if f.Product != "" {
		table, w = "review_sugg_pday", reviewWhere(shop, f, true)
	}
	if f.Scene != "" {
		w.add("scene = ?", f.Scene)
	}
	rows, err := db.pool.Query(ctx, `SELECT kind, sid, MAX(scene), `+sums(cols...)+` FROM `+table+w.String()+
		` GROUP BY kind, sid HAVING SUM(shown) > 0 ORDER BY 4 DESC, kind COLLATE "C", sid COLLATE "C"`, w.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("review suggestions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (review.SuggestionRow, error) {
		var r review.SuggestionRow
		var used, unused int
		var u, n [len(review.Signals)]int
		dest := []any{&r.Kind, &r.SuggestionID, &r.Scene, &r.Shown, &r.Used, &r.Typed, &r.Edited, &r.Dismissed, &used, &unused}
		for i := range u {
			dest = append(dest, &u[i])
		}
		for i := range n {
			dest = append(dest, &n[i])
		}
		err := row.Scan(dest...)
		r.After = make(map[review.Signal]review.Comparison, len(review.Signals))
		for i, sig := range review.Signals {
			r.After[sig] = review.Comparison{Used: used, UsedWith: u[i], Unused: unused, UnusedWith: n[i]}
		}
		return r, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("review suggestions: %w", err)
	}
	rows, err = db.pool.Query(ctx, `SELECT day, `+sums("shown", "used", "typed", "dismissed")+` FROM `+table+
		w.String()+` GROUP BY day HAVING SUM(shown) > 0 ORDER BY day`, w.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("review trend: %w", err)
	}
	trend, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (review.TrendPoint, error) {
		var p review.TrendPoint
		return p, row.Scan(&p.Period, &p.Shown, &p.Used, &p.Typed, &p.Dismissed)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("review trend: %w", err)
	}
	out = nonNil(out)
	return out, nonNil(trend), db.titleSuggestions(ctx, shop, out)
}

// titleSuggestions names phrases, rules and products by their titles.
func (db *DB) titleSuggestions(ctx context.Context, shop int64, rows []review.SuggestionRow) error {
	titles := map[[2]string]string{}
	for _, q := range []struct{ kind, sql string }{
		{kb.SuggestionPhrase, `SELECT id, title FROM phrases WHERE shop_id = $1`},
		{kb.SuggestionRule, `SELECT id, title FROM rules WHERE shop_id = $1`},
		{kb.SuggestionProduct, `SELECT id, title FROM products WHERE shop_id = $1`},
	} {
		rs, err := db.pool.Query(ctx, q.sql, shop)
		if err != nil {
			return fmt.Errorf("review titles: %w", err)
		}
		var id, title string
		if _, err := pgx.ForEachRow(rs, []any{&id, &title}, func() error {
			titles[[2]string{q.kind, id}] = title
			return nil
		}); err != nil {
			return fmt.Errorf("review titles: %w", err)
		}
	}
	for i := range rows {
		rows[i].Title = titles[[2]string{rows[i].Kind, rows[i].SuggestionID}]
	}
	return nil
}

// ReviewAgentNames lists the agents the review has rows of, for a filter's
// choices.
func (db *DB) ReviewAgentNames(ctx context.Context, shop int64) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT agent FROM review_agent_day WHERE shop_id = $1
		GROUP BY agent HAVING SUM(consultations) > 0 OR SUM(responses) > 0 ORDER BY agent COLLATE "C"`, shop)
	if err != nil {
		return nil, fmt.Errorf("review agents: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("review agents: %w", err)
	}
	return nonNil(out), nil
}

// nonNil is s, or an empty slice for none: a page's JSON lists [], not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
