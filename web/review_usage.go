package web

import (
	"context"
	"encoding/json"
	"log/slog"

	"assist/assistant"
	"assist/kb"
	"assist/phrases/usage"
)

// usageLookback is how many turns before an agent's turn offer phrases the
// agent may have typed: the buyer's run and the agent's own last reply.
const usageLookback = 4

// UsageStore is what UsageRecorder reads and writes: *sqlite.DB is one.
type UsageStore interface {
	Turn(ctx context.Context, shop int64, conv string, index int) (*kb.StoredTurn, error)
	AddEvents(ctx context.Context, events ...kb.Event) error
}

// UsageRecorder measures use when an agent types instead of clicking: on
// each committed agent turn it matches the text against the phrases the
// recent turns' sets showed (phrases/usage) and records a used event,
// marked typed, and edited when the text differs. Give its AfterCommit to
// assistant.DeskConfig.
type UsageRecorder struct {
	store   UsageStore
	matcher usage.Matcher
	log     *slog.Logger
}

// NewUsageRecorder builds a recorder with the matcher's default thresholds.
func NewUsageRecorder(store UsageStore, log *slog.Logger) *UsageRecorder {
	if log == nil {
		log = slog.Default()
	}
	return &UsageRecorder{store: store, matcher: usage.Default, log: log}
}

// AfterCommit is the Desk's hook. A failure is logged: the turn is
// committed already, and a missed use must not fail it.
func (u *UsageRecorder) AfterCommit(ctx context.Context, shop int64, conv string, stored *kb.StoredTurn, _ *assistant.Suggestions) {
	if stored.Role != string(assistant.Agent) || stored.PostedBy == "" {
		return
	}
	var shown []usage.Shown
	for i := max(stored.Index-usageLookback, 0); i < stored.Index; i++ {
		t, err := u.store.Turn(ctx, shop, conv, i)
		if err != nil {
			continue // an older turn the store no longer has
		}
		var set struct {
			Phrases []assistant.PhraseHit `json:"phrases"`
		}
		if err := json.Unmarshal(t.Suggestions, &set); err != nil {
			continue
		}
		for _, p := range set.Phrases {
			shown = append(shown, usage.Shown{ID: p.ID, Turn: i, Text: p.Text})
		}
	}
	m := u.matcher.Match(stored.Text, shown)
	if m.Verdict == usage.NotUsed {
		return
	}
	err := u.store.AddEvents(ctx, kb.Event{Shop: shop, Conversation: conv, Turn: m.Phrase.Turn, Agent: stored.PostedBy,
		SuggestionID: m.Phrase.ID, Kind: kb.SuggestionPhrase, Action: kb.ActionUsed, At: stored.At,
		Typed: true, Edited: m.Verdict == usage.Edited})
	if err != nil {
		u.log.Error("record a typed phrase", "shop", shop, "conversation", conv, "turn", stored.Index, "err", err)
	}
}
