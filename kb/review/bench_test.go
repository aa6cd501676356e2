package review

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"assist/kb"
)

// generated is a shop's month at the scale: 100,000 conversations of
// 8 turns, 10 suggestions shown per buyer turn (about 1.2 million events),
// 20 agents, an order in one conversation out of three.
func generated(convs int) Input {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 11, 2, 8, 0, 0, 0, shanghai)
	var in Input
	for c := range convs {
		conv := fmt.Sprintf("c%06d", c)
		agent := fmt.Sprintf("agent%02d", c%20)
		at := start.Add(time.Duration(rng.IntN(28*24*3600)) * time.Second)
		for i := range 8 {
			role := Buyer
			if i%2 == 1 {
				role = Agent
			}
			in.Turns = append(in.Turns, Turn{Conversation: conv, Index: i, Role: role, At: at, Agent: agent})
			if role == Buyer {
				for s := range 10 {
					id := fmt.Sprintf("p%03d", rng.IntN(300))
					kind := kb.SuggestionPhrase
					if s == 0 {
						kind, id = kb.SuggestionNudge, []string{"upsell", "evidence:missing", "promise"}[rng.IntN(3)]
					}
					in.Events = append(in.Events, Event{Conversation: conv, Turn: i, Agent: agent, Kind: kind,
						SuggestionID: id, Action: kb.ActionShown, At: at})
					if rng.IntN(8) == 0 {
						in.Events = append(in.Events, Event{Conversation: conv, Turn: i, Agent: agent, Kind: kind,
							SuggestionID: id, Action: kb.ActionUsed, At: at.Add(20 * time.Second)})
					}
				}
			}
			at = at.Add(time.Duration(5+rng.IntN(120)) * time.Second)
		}
		if c%3 == 0 {
			in.Outcomes = append(in.Outcomes, kb.Outcome{ID: "pay-" + conv, Conversation: conv, Kind: kb.OutcomeOrderPaid,
				At: at.Add(10 * time.Minute), Order: "o-" + conv, Amount: 9900})
		}
	}
	return in
}

// BenchmarkReview is the in-memory cost of the two figures over a month of a
// large shop, the bound for a page computed without rollups.
func BenchmarkReview(b *testing.B) {
	in := generated(100_000)
	b.Logf("%d turns, %d events, %d outcomes", len(in.Turns), len(in.Events), len(in.Outcomes))
	opt := Options{Location: shanghai, IsAgent: func(string) bool { return true }}
	b.Run("Agents", func(b *testing.B) {
		for b.Loop() {
			Agents(in, opt)
		}
	})
	b.Run("Suggestions", func(b *testing.B) {
		for b.Loop() {
			Suggestions(in, opt)
		}
	})
}
