package assistant

// answer handles one turn (or a draft, when record is false, on a copy of the
// conversation's state).
func (e *Engine) answer(k *knowledge, c *Conversation, t Turn, record bool) (*Suggestions, error) {
	st := &c.state
	if !record {
		cp := c.state
		st = &cp
	}
	lastBuyer := st.lastBuyer
	rd := e.read(k, st, t)
	st.observe(k, rd, t)
	ctx := *st
	ctx.lastBuyer = lastBuyer
	ns := e.nudges(k, &ctx, t, rd)
	s := &Suggestions{Conversation: c.ID, Turn: st.turns - 1, Role: t.Role, Text: t.Text, At: t.At,
		Product: st.product}
	if err := e.rank(k, &ctx, t, rd.found, ns, s); err != nil {
		return nil, err
	}
	s.Nudges = make([]Nudge, len(ns))
	for i := range ns {
		s.Nudges[i] = ns[i].Nudge
		if s.Nudges[i].Triggers == nil {
			s.Nudges[i].Triggers = []string{}
		}
	}
	return s, nil
}
