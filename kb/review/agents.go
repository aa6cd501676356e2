package review

import (
	"cmp"
	"slices"
	"time"

	"assist/kb"
)

// AgentWeek holds one agent's 考核 figures for one ISO week.
type AgentWeek struct {
	Agent string
	Week  string // "2026-W48"

	Consultations int      // conversations with a buyer turn, theirs, begun this week
	Replied       int      // of those, answered by an agent
	Converted     int      // of those, followed by an order paid
	PaidOrders    int      // distinct order_paid outcomes after the first buyer turn of those
	PaidAmount    kb.Money // their sum

	Responses      int           // buyer runs this agent answered, begun this week
	ResponseTotal  time.Duration // their summed response times
	FirstResponses int           // first runs of conversations this agent answered
	FirstTotal     time.Duration
}

// ReplyRate is 回复率: Replied / Consultations.
func (a AgentWeek) ReplyRate() float64 { return ratio(a.Replied, a.Consultations) }

// ConversionRate is 咨询转化率: Converted / Consultations.
func (a AgentWeek) ConversionRate() float64 { return ratio(a.Converted, a.Consultations) }

// AverageResponse is 均响, 0 when the agent answered nothing.
func (a AgentWeek) AverageResponse() time.Duration { return mean(a.ResponseTotal, a.Responses) }

// AverageFirstResponse is 首响, 0 when the agent answered no first run.
func (a AgentWeek) AverageFirstResponse() time.Duration { return mean(a.FirstTotal, a.FirstResponses) }

func mean(total time.Duration, n int) time.Duration {
	if n == 0 {
		return 0
	}
	return total / time.Duration(n)
}

// Agents computes the figures per agent per ISO week, sorted by week then
// agent. Turns may come in any order.
func Agents(in Input, opt Options) []AgentWeek {
	loc := opt.location()
	rows := map[[2]string]*AgentWeek{}
	row := func(agent string, week string) *AgentWeek {
		k := [2]string{agent, week}
		r := rows[k]
		if r == nil {
			r = &AgentWeek{Agent: agent, Week: week}
			rows[k] = r
		}
		return r
	}
	paid := paidByConversation(uniqueOutcomes(in.Outcomes))

	for _, turns := range byConversation(in.Turns) {
		c := readConversation(turns)
		if c.firstBuyer == nil {
			continue // no buyer turn: not a consultation
		}
		for i, run := range c.runs {
			if run.reply == nil {
				continue
			}
			r := row(agentName(run.reply.Agent), Week(run.start.At, loc))
			d := run.reply.At.Sub(run.start.At)
			r.Responses++
			r.ResponseTotal += d
			if i == 0 {
				r.FirstResponses++
				r.FirstTotal += d
			}
		}
		r := row(c.owner(), Week(c.firstBuyer.At, loc))
		r.Consultations++
		if c.replied {
			r.Replied++
		}
		orders := 0
		for _, o := range paid[c.firstBuyer.Conversation] {
			if !o.At.Before(c.firstBuyer.At) {
				orders++
				r.PaidOrders++
				r.PaidAmount += o.Amount
			}
		}
		if orders > 0 {
			r.Converted++
		}
	}

	out := make([]AgentWeek, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b AgentWeek) int {
		return cmp.Or(cmp.Compare(a.Week, b.Week), cmp.Compare(a.Agent, b.Agent))
	})
	return out
}

// run is a buyer run and the agent turn that answered it, if any.
type run struct {
	start *Turn
	reply *Turn
}

// conversation is what the agent figures need of one conversation.
type conversation struct {
	firstBuyer *Turn
	routedTo   string // the last agent a buyer turn was routed to
	runs       []run
	replied    bool
}

func readConversation(turns []Turn) conversation {
	var c conversation
	var open *run
	for i := range turns {
		t := &turns[i]
		switch t.Role {
		case Buyer:
			if c.firstBuyer == nil {
				c.firstBuyer = t
			}
			if t.Agent != "" {
				c.routedTo = t.Agent
			}
			if open == nil {
				c.runs = append(c.runs, run{start: t})
				open = &c.runs[len(c.runs)-1]
			}
		case Agent:
			if open != nil {
				open.reply = t
				open = nil
				c.replied = true
			}
		}
	}
	return c
}

// owner is the agent a consultation belongs to: who first answered it, else
// whom it was routed to.
func (c conversation) owner() string {
	for _, r := range c.runs {
		if r.reply != nil {
			return agentName(r.reply.Agent)
		}
	}
	return agentName(c.routedTo)
}

func agentName(name string) string {
	if name == "" {
		return Unassigned
	}
	return name
}

// byConversation groups turns by conversation, each group in turn order.
func byConversation(turns []Turn) map[string][]Turn {
	out := map[string][]Turn{}
	for _, t := range turns {
		out[t.Conversation] = append(out[t.Conversation], t)
	}
	for _, ts := range out {
		slices.SortStableFunc(ts, func(a, b Turn) int { return cmp.Compare(a.Index, b.Index) })
	}
	return out
}

func paidByConversation(outcomes []kb.Outcome) map[string][]kb.Outcome {
	out := map[string][]kb.Outcome{}
	for _, o := range outcomes {
		if o.Kind == kb.OutcomeOrderPaid {
			out[o.Conversation] = append(out[o.Conversation], o)
		}
	}
	return out
}
