package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/review"
)

// The managers' review: GET /api/v1/shops/{shop}/review/... answers JSON, or
// CSV with ?format=csv. Every page first brings the rollups up to date
// (only the conversations written since the last page are recomputed).

// maxReviewTurns bounds the turns of one conversation on its page (its last ones).
const maxReviewTurns = 1000

// reviewRefreshBudget is how long a page may spend bringing rollups up to
// date (Config.ReviewRefresh); what is left waits for the server's
// background refresh, and the page says how many conversations that is.
const reviewRefreshBudget = 150 * time.Millisecond

// refreshForPage brings the shop's rollups up to date as far as the page's
// budget allows, and says how many conversations are left uncounted: after
// a burst of chats the figures lag them, and a manager is told so rather
// than shown them as whole.
func (s *Server) refreshForPage(ctx context.Context, shop int64) (pending int, err error) {
	if _, err := s.review.RefreshReviewFor(ctx, shop, s.reviewRefresh); err != nil {
		return 0, err
	}
	return s.review.ReviewPending(ctx, shop)
}

// maxReviewConversations bounds the conversations listed behind a figure.
const maxReviewConversations = 500

// reviewFilter reads ?from=&to=&agent=&product=&scene= .
func reviewFilter(r *http.Request) (review.Filter, error) {
	q := r.URL.Query()
	f := review.Filter{From: q.Get("from"), To: q.Get("to"), Agent: q.Get("agent"), Product: q.Get("product"), Scene: q.Get("scene")}
	for name, v := range map[string]string{"from": f.From, "to": f.To} {
		if v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return f, kb.Errorf(kb.EInvalid, "%s=%q 不是日期,应为 YYYY-MM-DD (a date)", name, clip(v))
		}
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		return f, kb.Errorf(kb.EInvalid, "开始日期 %s 晚于结束日期 %s (from is after to)", f.From, f.To)
	}
	for name, v := range map[string]string{"agent": f.Agent, "product": f.Product, "scene": f.Scene} {
		if len(v) > 64 {
			return f, kb.Errorf(kb.EInvalid, "%s 最长 64 个字符 (too long)", name)
		}
	}
	return f, nil
}

func wantsCSV(r *http.Request) (bool, error) {
	switch r.URL.Query().Get("format") {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, kb.Errorf(kb.EInvalid, "format=%q 不可用,应为 json 或 csv", clip(r.URL.Query().Get("format")))
}

// signalLabels names the outcome signals for people.
var signalLabels = map[review.Signal]string{
	review.SignalOrderPaid: "付款", review.SignalOrderCancelled: "取消订单", review.SignalRefundRequested: "申请退款",
	review.SignalDisputeOpened: "平台介入", review.SignalDisputeWon: "介入判卖家胜", review.SignalDisputeLost: "介入判买家胜",
	review.SignalGoodReview: "好评", review.SignalBadReview: "差评",
}

type afterLine struct {
	Signal     review.Signal `json:"signal"`
	Label      string        `json:"label"`
	Used       int           `json:"used"`
	UsedWith   int           `json:"used_with"`
	UsedRate   float64       `json:"used_rate"`
	Unused     int           `json:"unused"`
	UnusedWith int           `json:"unused_with"`
	UnusedRate float64       `json:"unused_rate"`
}

type reviewSuggestionLine struct {
	Kind      string      `json:"kind"`
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Scene     string      `json:"scene"`
	Shown     int         `json:"shown"`
	Used      int         `json:"used"`
	UseRate   float64     `json:"use_rate"`
	Typed     int         `json:"typed"`
	Edited    int         `json:"edited"`
	Dismissed int         `json:"dismissed"`
	After     []afterLine `json:"after"`
}

type trendLine struct {
	Period    string  `json:"period"`
	Shown     int     `json:"shown"`
	Used      int     `json:"used"`
	Typed     int     `json:"typed"`
	Dismissed int     `json:"dismissed"`
	UseRate   float64 `json:"use_rate"`
}

// reviewSuggestions is GET .../review/suggestions: per suggestion, shown,
// used, dismissed, edited and the outcomes after use against no use; and
// the trend per day and per week.
func (s *Server) reviewSuggestions(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.reviewStore(); err != nil {
		return err
	}
	f, err := reviewFilter(r)
	if err != nil {
		return err
	}
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	pending, err := s.refreshForPage(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	rows, trend, err := s.review.ReviewSuggestions(r.Context(), p.Shop, f)
	if err != nil {
		return err
	}
	out := make([]reviewSuggestionLine, len(rows))
	for i, row := range rows {
		l := reviewSuggestionLine{Kind: row.Kind, ID: row.SuggestionID, Title: row.Title, Scene: row.Scene,
			Shown: row.Shown, Used: row.Used, UseRate: row.UseRate(), Typed: row.Typed, Edited: row.Edited, Dismissed: row.Dismissed}
		for _, sig := range review.Signals {
			c := row.After[sig]
			l.After = append(l.After, afterLine{Signal: sig, Label: signalLabels[sig], Used: c.Used, UsedWith: c.UsedWith,
				UsedRate: c.UsedRate(), Unused: c.Unused, UnusedWith: c.UnusedWith, UnusedRate: c.UnusedRate()})
		}
		out[i] = l
	}
	if csv {
		return writeSuggestionsCSV(w, out)
	}
	days, weeks := trendLines(trend)
	writeJSON(w, http.StatusOK, struct {
		Suggestions []reviewSuggestionLine `json:"suggestions"`
		Days        []trendLine            `json:"days"`
		Weeks       []trendLine            `json:"weeks"`
		Pending     int                    `json:"pending"` // conversations not yet counted
	}{out, days, weeks, pending})
	return nil
}

// trendLines is the trend per day as the store gives it, and summed per ISO
// week (a date's week does not depend on the time zone).
func trendLines(trend []review.TrendPoint) (days, weeks []trendLine) {
	days, weeks = []trendLine{}, []trendLine{}
	for _, p := range trend {
		days = append(days, trendLine{p.Period, p.Shown, p.Used, p.Typed, p.Dismissed, p.UseRate()})
		d, err := time.Parse(time.DateOnly, p.Period)
		if err != nil {
			continue
		}
		wk := review.Week(d, time.UTC)
		if n := len(weeks); n == 0 || weeks[n-1].Period != wk {
			weeks = append(weeks, trendLine{Period: wk})
		}
		l := &weeks[len(weeks)-1]
		l.Shown += p.Shown
		l.Used += p.Used
		l.Typed += p.Typed
		l.Dismissed += p.Dismissed
	}
	for i := range weeks {
		if weeks[i].Shown > 0 {
			weeks[i].UseRate = float64(weeks[i].Used) / float64(weeks[i].Shown)
		}
	}
	return days, weeks
}

type reviewAgentLine struct {
	Agent          string  `json:"agent"`
	Week           string  `json:"week"`
	Consultations  int     `json:"consultations"`
	Replied        int     `json:"replied"`
	ReplyRate      float64 `json:"reply_rate"`
	Converted      int     `json:"converted"`
	ConversionRate float64 `json:"conversion_rate"`
	PaidOrders     int     `json:"paid_orders"`
	PaidAmount     string  `json:"paid_amount"` // yuan
	Responses      int     `json:"responses"`
	AvgResponse    float64 `json:"avg_response_s"`   // 均响
	FirstResponse  float64 `json:"first_response_s"` // 首响
	Checked        int     `json:"checked"`
	AvgScore       float64 `json:"avg_score"`
	Promise        int     `json:"promise"`
	Admission      int     `json:"admission"`
	Wording        int     `json:"wording"`
	Discount       int     `json:"discount"`
	NoGreeting     int     `json:"no_greeting"`
	NoClosing      int     `json:"no_closing"`
}

// reviewAgents is GET .../review/agents: per agent per week, 首响, 均响,
// 回复率, 咨询转化率 and the 质检.
func (s *Server) reviewAgents(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.reviewStore(); err != nil {
		return err
	}
	f, err := reviewFilter(r)
	if err != nil {
		return err
	}
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	pending, err := s.refreshForPage(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	rows, err := s.review.ReviewAgents(r.Context(), p.Shop, f)
	if err != nil {
		return err
	}
	out := make([]reviewAgentLine, len(rows))
	for i, a := range rows {
		out[i] = reviewAgentLine{Agent: a.Agent, Week: a.Week, Consultations: a.Consultations, Replied: a.Replied,
			ReplyRate: a.ReplyRate(), Converted: a.Converted, ConversionRate: a.ConversionRate(), PaidOrders: a.PaidOrders,
			PaidAmount: a.PaidAmount.String(), Responses: a.Responses, AvgResponse: a.AverageResponse().Seconds(),
			FirstResponse: a.AverageFirstResponse().Seconds(), Checked: a.Checked, AvgScore: a.AverageScore(),
			Promise: a.Promise, Admission: a.Admission, Wording: a.Wording, Discount: a.Discount,
			NoGreeting: a.Checked - a.Greeting, NoClosing: a.Checked - a.Closing}
	}
	if csv {
		return writeAgentsCSV(w, out)
	}
	names, err := s.review.ReviewAgentNames(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Agents  []reviewAgentLine `json:"agents"`
		Names   []string          `json:"names"`
		Pending int               `json:"pending"`
	}{out, names, pending})
	return nil
}

type reviewConversationLine struct {
	Conversation  string   `json:"conversation"`
	Agent         string   `json:"agent"`
	Week          string   `json:"week"`
	Day           string   `json:"day"`
	Product       string   `json:"product"`
	Replied       bool     `json:"replied"`
	Converted     bool     `json:"converted"`
	PaidAmount    string   `json:"paid_amount"`
	FirstResponse float64  `json:"first_response_s"`
	AvgResponse   float64  `json:"avg_response_s"`
	Checked       bool     `json:"checked"`
	Score         int      `json:"score"`
	Problems      []string `json:"problems"`
}

// reviewConversations is GET .../review/conversations: the conversations
// behind an agent's figure (?week=2026-W48&figure=unreplied, …).
func (s *Server) reviewConversations(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.reviewStore(); err != nil {
		return err
	}
	f, err := reviewFilter(r)
	if err != nil {
		return err
	}
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	week, figure := r.URL.Query().Get("week"), r.URL.Query().Get("figure")
	if len(week) > 8 {
		return kb.Errorf(kb.EInvalid, "week=%q 应为 2026-W48 这样的周", clip(week))
	}
	if !review.ValidFigure(figure) {
		return kb.Errorf(kb.EInvalid, "figure=%q 不可用 (unknown figure)", clip(figure))
	}
	pending, err := s.refreshForPage(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	rows, err := s.review.ReviewConversations(r.Context(), p.Shop, f, week, figure, maxReviewConversations)
	if err != nil {
		return err
	}
	out := make([]reviewConversationLine, len(rows))
	for i, c := range rows {
		l := reviewConversationLine{Conversation: c.Conversation, Agent: c.Agent, Week: c.Week, Day: c.Day,
			Product: c.Product, Replied: c.Replied, Converted: c.Converted, PaidAmount: c.PaidAmount.String(),
			FirstResponse: c.FirstResponse.Seconds(), Checked: c.Checked, Score: c.Quality.Score, Problems: []string{}}
		if c.Responses > 0 {
			l.AvgResponse = (c.ResponseTotal / time.Duration(c.Responses)).Seconds()
		}
		if c.Checked {
			l.Problems = qualityProblems(c.Quality)
		}
		out[i] = l
	}
	if csv {
		return writeConversationsCSV(w, out)
	}
	writeJSON(w, http.StatusOK, struct {
		Conversations []reviewConversationLine `json:"conversations"`
		Pending       int                      `json:"pending"`
	}{out, pending})
	return nil
}

// qualityProblems names what the 质检 found, in Chinese.
func qualityProblems(q review.Quality) []string {
	out := []string{}
	for _, c := range []struct {
		bad  bool
		name string
	}{{q.Promise, "发货承诺超时效"}, {q.Admission, "举证前认责"}, {q.Wording, "广告法违禁词"},
		{q.Discount, "议价直接降价"}, {!q.Greeting, "无问候"}, {!q.Closing, "无结束语"}} {
		if c.bad {
			out = append(out, c.name)
		}
	}
	return out
}

type reviewUse struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Agent  string `json:"agent"`
	Typed  bool   `json:"typed"`
	Edited bool   `json:"edited"`
}

type reviewTurnLine struct {
	Turn        int                    `json:"turn"`
	Role        string                 `json:"role"`
	Text        string                 `json:"text"`
	At          time.Time              `json:"at"`
	PostedBy    string                 `json:"posted_by"`
	Suggestions *assistant.Suggestions `json:"suggestions"`
	ShownTo     []string               `json:"shown_to"` // agents whose panel showed this turn's set
	Used        []reviewUse            `json:"used"`
	Dismissed   []reviewUse            `json:"dismissed"`
}

// reviewConversation is GET .../review/conversations/{id}: the turns, what
// the panel suggested at each, what the agents used, and the outcomes.
func (s *Server) reviewConversation(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.reviewStore(); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := validConversationID(id); err != nil {
		return err
	}
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	turns, _, err := s.store.TurnPage(ctx, p.Shop, id, -1, maxReviewTurns)
	if err != nil {
		return err
	}
	events, err := s.review.ConversationEvents(ctx, p.Shop, id)
	if err != nil {
		return err
	}
	shows, err := s.review.ConversationShows(ctx, p.Shop, id)
	if err != nil {
		return err
	}
	outcomes, err := s.review.Outcomes(ctx, p.Shop, id)
	if err != nil {
		return err
	}
	lines := make([]reviewTurnLine, len(turns))
	byTurn := map[int]*reviewTurnLine{}
	for i, t := range turns {
		l := reviewTurnLine{Turn: t.Index, Role: t.Role, Text: t.Text, At: t.At, PostedBy: t.PostedBy,
			ShownTo: []string{}, Used: []reviewUse{}, Dismissed: []reviewUse{}}
		var sugg assistant.Suggestions
		if err := json.Unmarshal(t.Suggestions, &sugg); err != nil {
			return fmt.Errorf("decode stored suggestions of %s/%d: %w", id, t.Index, err)
		}
		l.Suggestions = &sugg
		lines[i] = l
		byTurn[t.Index] = &lines[i]
	}
	for _, e := range events {
		l := byTurn[e.Turn]
		if l == nil {
			continue
		}
		use := reviewUse{Kind: e.Kind, ID: e.SuggestionID, Agent: e.Agent, Typed: e.Typed, Edited: e.Edited}
		switch e.Action {
		case kb.ActionUsed:
			l.Used = append(l.Used, use)
		case kb.ActionDismissed:
			l.Dismissed = append(l.Dismissed, use)
		}
	}
	for turn, agents := range kb.ShownTo(events, shows) {
		if l := byTurn[turn]; l != nil {
			l.ShownTo = agents
		}
	}
	if csv {
		return writeTurnsCSV(w, id, lines, outcomes)
	}
	zone := ""
	if shop, err := s.desk.Knowledge(ctx, p.Shop); err == nil {
		zone = shop.Timezone
	}
	writeJSON(w, http.StatusOK, struct {
		ID       string           `json:"id"`
		Timezone string           `json:"timezone"` // the shop's, for showing times
		Turns    []reviewTurnLine `json:"turns"`
		Outcomes []kb.Outcome     `json:"outcomes"`
	}{id, zone, lines, outcomes})
	return nil
}
