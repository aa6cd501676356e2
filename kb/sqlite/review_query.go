package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"assist/kb"
	"assist/kb/review"
)

// where builds the WHERE clause of a review query over a rollup table.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, arg)
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

// ReviewAgents is the agents page: per agent per ISO week, the 考核 figures
// and the 质检 of their consultations. Call RefreshReview first.
func (db *DB) ReviewAgents(ctx context.Context, shop int64, f review.Filter) ([]review.AgentRow, error) {
	w := reviewWhere(shop, f, true)
	rows, err := db.db.QueryContext(ctx, `SELECT agent, week, SUM(consultations), SUM(replied), SUM(converted),
		SUM(paid_orders), SUM(paid_amount), SUM(responses), SUM(response_ms), SUM(first_responses), SUM(first_ms),
		SUM(checked), SUM(score_sum), SUM(qc_promise), SUM(qc_admission), SUM(qc_wording),
		SUM(qc_discount), SUM(qc_greeting), SUM(qc_closing)
		FROM review_agent_day`+w.String()+` GROUP BY agent, week
		HAVING SUM(consultations) > 0 OR SUM(responses) > 0 ORDER BY week, agent`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("review agents: %w", err)
	}
	defer rows.Close()
	out := []review.AgentRow{}
	for rows.Next() {
		var r review.AgentRow
		var paid, respMs, firstMs int64
		if err := rows.Scan(&r.Agent, &r.Week, &r.Consultations, &r.Replied, &r.Converted, &r.PaidOrders, &paid,
			&r.Responses, &respMs, &r.FirstResponses, &firstMs, &r.Checked, &r.ScoreSum, &r.Promise, &r.Admission,
			&r.Wording, &r.Discount, &r.Greeting, &r.Closing); err != nil {
			return nil, fmt.Errorf("review agents: %w", err)
		}
		r.PaidAmount = kb.Money(paid)
		r.ResponseTotal = time.Duration(respMs) * time.Millisecond
		r.FirstTotal = time.Duration(firstMs) * time.Millisecond
		out = append(out, r)
	}
	return out, rows.Err()
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
	rows, err := db.db.QueryContext(ctx, `SELECT conversation, agent, week, day, product, replied, converted, paid_amount,
		first_responses, first_ms, responses, response_ms, qc_score, qc_promise, qc_admission, qc_wording, qc_discount,
		qc_greeting, qc_closing FROM review_conv`+w.String()+` ORDER BY day DESC, conversation LIMIT ?`,
		append(w.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("review conversations: %w", err)
	}
	defer rows.Close()
	out := []review.ConversationRow{}
	for rows.Next() {
		var r review.ConversationRow
		var paid, firstMs, respMs int64
		var firsts, score int
		q := &r.Quality
		if err := rows.Scan(&r.Conversation, &r.Agent, &r.Week, &r.Day, &r.Product, &r.Replied, &r.Converted, &paid,
			&firsts, &firstMs, &r.Responses, &respMs, &score, &q.Promise, &q.Admission, &q.Wording, &q.Discount,
			&q.Greeting, &q.Closing); err != nil {
			return nil, fmt.Errorf("review conversations: %w", err)
		}
		r.PaidAmount = kb.Money(paid)
		if firsts > 0 {
			r.FirstResponse = time.Duration(firstMs) * time.Millisecond
		}
		r.ResponseTotal = time.Duration(respMs) * time.Millisecond
		r.Checked = score >= 0
		q.Score = max(score, 0)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReviewSuggestions is the suggestions page: per suggestion, its figures
// over the filter, most shown first; and the trend of all of them per day.
// It reads the day rows, those kept per product when it filters by one.
func (db *DB) ReviewSuggestions(ctx context.Context, shop int64, f review.Filter) ([]review.SuggestionRow, []review.TrendPoint, error) {
	table, w := "review_sugg_day", reviewWhere(shop, f, false)
	cols := []string{"SUM(shown)", "SUM(used)", "SUM(typed)", "SUM(edited)", "SUM(dismissed)", "SUM(conv_used)", "SUM(conv_unused)"}
	for _, p := range []string{"u_", "n_"} {
		for _, c := range signalColumns {
			cols = append(cols, "SUM("+p+c+")")
		}
	}
	if f.Product != "" {
		table, w = "review_sugg_pday", reviewWhere(shop, f, true)
	}
	if f.Scene != "" {
		w.add("scene = ?", f.Scene)
	}
	rows, err := db.db.QueryContext(ctx, `SELECT kind, sid, MAX(scene), `+strings.Join(cols, ", ")+` FROM `+table+w.String()+
		` GROUP BY kind, sid HAVING SUM(shown) > 0 ORDER BY 4 DESC, kind, sid`, w.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("review suggestions: %w", err)
	}
	out := []review.SuggestionRow{}
	for rows.Next() {
		var r review.SuggestionRow
		var used, unused int
		var u, n [8]int
		dest := []any{&r.Kind, &r.SuggestionID, &r.Scene, &r.Shown, &r.Used, &r.Typed, &r.Edited, &r.Dismissed, &used, &unused}
		for i := range u {
			dest = append(dest, &u[i])
		}
		for i := range n {
			dest = append(dest, &n[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("review suggestions: %w", err)
		}
		r.After = make(map[review.Signal]review.Comparison, len(review.Signals))
		for i, sig := range review.Signals {
			r.After[sig] = review.Comparison{Used: used, UsedWith: u[i], Unused: unused, UnusedWith: n[i]}
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = db.db.QueryContext(ctx, `SELECT day, SUM(shown), SUM(used), SUM(typed), SUM(dismissed) FROM `+table+
		w.String()+` GROUP BY day HAVING SUM(shown) > 0 ORDER BY day`, w.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("review trend: %w", err)
	}
	defer rows.Close()
	trend := []review.TrendPoint{}
	for rows.Next() {
		var p review.TrendPoint
		if err := rows.Scan(&p.Period, &p.Shown, &p.Used, &p.Typed, &p.Dismissed); err != nil {
			return nil, nil, fmt.Errorf("review trend: %w", err)
		}
		trend = append(trend, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	return out, trend, db.titleSuggestions(ctx, shop, out)
}

// titleSuggestions names phrases and rules by their titles.
func (db *DB) titleSuggestions(ctx context.Context, shop int64, rows []review.SuggestionRow) error {
	titles := map[[2]string]string{}
	for _, q := range []struct{ kind, sql string }{
		{kb.SuggestionPhrase, `SELECT id, title FROM phrases WHERE shop_id = ?`},
		{kb.SuggestionRule, `SELECT id, title FROM rules WHERE shop_id = ?`},
		{kb.SuggestionProduct, `SELECT id, title FROM products WHERE shop_id = ?`},
	} {
		rs, err := db.db.QueryContext(ctx, q.sql, shop)
		if err != nil {
			return fmt.Errorf("review titles: %w", err)
		}
		for rs.Next() {
			var id, title string
			if err := rs.Scan(&id, &title); err != nil {
				rs.Close()
				return err
			}
			titles[[2]string{q.kind, id}] = title
		}
		rs.Close()
	}
	for i := range rows {
		rows[i].Title = titles[[2]string{rows[i].Kind, rows[i].SuggestionID}]
	}
	return nil
}

// ReviewAgentNames lists the agents the review has rows of, for a filter's
// choices.
func (db *DB) ReviewAgentNames(ctx context.Context, shop int64) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT agent FROM review_agent_day WHERE shop_id = ?
		GROUP BY agent HAVING SUM(consultations) > 0 OR SUM(responses) > 0 ORDER BY agent`, shop)
	if err != nil {
		return nil, fmt.Errorf("review agents: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ConversationEvents returns a conversation's events with their typed and
// edited flags, in the order they were recorded.
func (db *DB) ConversationEvents(ctx context.Context, shop int64, conversation string) ([]kb.Event, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT turn, agent, suggestion_id, kind, action, typed, edited, at
		FROM events WHERE shop_id = ? AND conversation = ? ORDER BY id`, shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", conversation, err)
	}
	defer rows.Close()
	out := []kb.Event{}
	for rows.Next() {
		e := kb.Event{Shop: shop, Conversation: conversation}
		var action, at string
		if err := rows.Scan(&e.Turn, &e.Agent, &e.SuggestionID, &e.Kind, &action, &e.Typed, &e.Edited, &at); err != nil {
			return nil, fmt.Errorf("read events of %s: %w", conversation, err)
		}
		e.Action = kb.Action(action)
		if e.At, err = parseStamp(at); err != nil {
			return nil, fmt.Errorf("read events of %s: %w", conversation, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
