package review

import (
	"strings"
	"time"

	"assist/kb"
)

// A store keeps the review as rollups: rows per conversation (recomputed
// whenever one of its turns, events or outcomes is written) summed into rows
// per day that the pages read. This file computes a conversation's rows from
// its raw records, so every store's rollup holds the same figures as Agents
// and Suggestions over the same input.

// RollupShop is what every conversation's rows need of its shop.
type RollupShop struct {
	Location *time.Location
	NotAgent map[string]bool   // the shop's managers and admins, whose panels do not count
	Scenes   map[string]string // phrase id → scene
	GiveWay  *GiveWay          // yields between conversations (nil: never)
}

// RollupConversation is one conversation's records as a store reads them,
// its turns as a Digest holds them (Digests.AddTurn decodes each stored set
// once).
type RollupConversation struct {
	ID       string
	Turns    []Turn        // in order; Agent only on an agent's turn
	Quality  []QualityTurn // one per turn: its role, text and the nudges its set showed
	Product  string        // the first the turns name
	Events   []Event       // in the order recorded, the shows' shown events among them
	Outcomes []kb.Outcome
}

// ConvRow is one conversation's 考核 figures for one agent and week
// (usually one row; a run answered by a second agent adds one). Day is the
// local date of the first buyer turn; the 质检 is on the consultation's row.
type ConvRow struct {
	Conversation, Day, Product string
	Week                       AgentWeek
	Quality                    Quality
	Checked                    bool
}

// SuggRow is one suggestion in one conversation: Suggestions of that
// conversation alone. Agent is the consultation's owner, Day the local date
// of the suggestion's first showing to an agent.
type SuggRow struct {
	Conversation, Agent, Product, Scene, Day string
	Figures                                  SuggestionFigures
}

// UsedConv reports whether the suggestion was used in its conversation.
func (s SuggRow) UsedConv() bool { return s.Figures.After[SignalOrderPaid].Used > 0 }

// Followed is, per signal in the order of Signals, 1 if it followed in the
// conversation (after the first use, or the first showing), else 0.
func (s SuggRow) Followed() [len(Signals)]int {
	var out [len(Signals)]int
	for i, sig := range Signals {
		c := s.Figures.After[sig]
		out[i] = c.UsedWith + c.UnusedWith
	}
	return out
}

// storedSet is the part of a stored suggestion set the review reads.
type storedSet struct {
	Product string `json:"product"`
	Nudges  []struct {
		Kind     string `json:"kind"`
		Category string `json:"category"`
	} `json:"nudges"`
}

// Rollup computes the rows of each conversation.
func Rollup(shop RollupShop, convs []RollupConversation) ([]ConvRow, []SuggRow) {
	opt := Options{Location: shop.Location, IsAgent: func(name string) bool { return !shop.NotAgent[name] }}
	loc := opt.location()
	words := DefaultWords()
	var convRows []ConvRow
	var suggRows []SuggRow
	for _, c := range convs {
		shop.GiveWay.Yield()
		in := Input{Turns: c.Turns, Events: c.Events, Outcomes: c.Outcomes}
		quality, product := c.Quality, c.Product
		day := ""
		for _, t := range in.Turns {
			if t.Role == Buyer {
				day = t.At.In(loc).Format(time.DateOnly)
				break
			}
		}
		owner := Unassigned
		if day != "" {
			q, checked := words.Check(quality)
			for _, w := range Agents(in, opt) {
				r := ConvRow{Conversation: c.ID, Day: day, Product: product, Week: w}
				if w.Consultations > 0 {
					owner = w.Agent
					r.Quality, r.Checked = q, checked
				}
				convRows = append(convRows, r)
			}
		}
		firstShown := map[[2]string]time.Time{}
		for _, e := range c.Events {
			if e.Action != kb.ActionShown || shop.NotAgent[e.Agent] {
				continue
			}
			k := [2]string{e.Kind, e.SuggestionID}
			if t, ok := firstShown[k]; !ok || e.At.Before(t) {
				firstShown[k] = e.At
			}
		}
		for _, f := range Suggestions(in, opt) {
			scene := ""
			switch f.Kind {
			case kb.SuggestionPhrase:
				scene = shop.Scenes[f.SuggestionID]
			case kb.SuggestionNudge:
				scene, _, _ = strings.Cut(f.SuggestionID, ":")
			}
			suggRows = append(suggRows, SuggRow{Conversation: c.ID, Agent: owner, Product: product, Scene: scene,
				Day: firstShown[[2]string{f.Kind, f.SuggestionID}].In(loc).Format(time.DateOnly), Figures: f})
		}
	}
	return convRows, suggRows
}

// ShownEvents are the shown events a conversation's shows stand for: one
// per member of the set each show's turn stored (sets: turn index → the
// stored set), as shown events were recorded before shows. A set that does
// not decode, or a turn the store no longer has, showed nothing countable.
func ShownEvents(shows []kb.Show, sets map[int][]byte) []Event {
	members := map[int][]kb.SetMember{}
	for _, s := range shows {
		if _, ok := members[s.Turn]; !ok {
			members[s.Turn], _ = kb.SetMembers(sets[s.Turn])
		}
	}
	return ShownEventsOf(shows, members)
}

// ShownEventsOf is ShownEvents for a caller that has the sets' members
// already (members: turn index → SetMembers of its stored set; a turn
// missing showed nothing countable).
func ShownEventsOf(shows []kb.Show, members map[int][]kb.SetMember) []Event {
	// FromKB(kb.ShowEvents(s, …)) for each show, written straight into one
	// slice: the refresh reads every new show of a chat, and the two copies
	// a show and the growing were most of what it allocated.
	n := 0
	for _, s := range shows {
		n += len(members[s.Turn])
	}
	if n == 0 {
		return nil
	}
	out := make([]Event, 0, n)
	for _, s := range shows {
		for _, m := range members[s.Turn] {
			out = append(out, Event{Conversation: s.Conversation, Turn: s.Turn, Agent: s.Agent, Kind: m.Kind,
				SuggestionID: m.ID, Action: kb.ActionShown, At: s.At})
		}
	}
	return out
}
