package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"

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
	recent  recentSets
}

// NewUsageRecorder builds a recorder with the matcher's default thresholds.
func NewUsageRecorder(store UsageStore, log *slog.Logger) *UsageRecorder {
	if log == nil {
		log = slog.Default()
	}
	return &UsageRecorder{store: store, matcher: usage.Default, log: log, recent: newRecentSets(recentConversations)}
}

// AfterCommit is the Desk's hook. A failure is logged: the turn is
// committed already, and a missed use must not fail it.
func (u *UsageRecorder) AfterCommit(ctx context.Context, shop int64, conv string, stored *kb.StoredTurn, sugg *assistant.Suggestions) {
	key := topic{shop, conv}
	// Every committed turn's phrases are kept for the agent's turns after
	// it: reading them back from the store cost four queries a turn.
	defer u.recent.put(key, stored.Index, sugg)
	if stored.Role != string(assistant.Agent) || stored.PostedBy == "" {
		return
	}
	var shown []usage.Shown
	for i := max(stored.Index-usageLookback, 0); i < stored.Index; i++ {
		if set, ok := u.recent.get(key, i); ok {
			shown = append(shown, set...)
			continue
		}
		t, err := u.store.Turn(ctx, shop, conv, i) // committed before this process, or by another
		if err != nil {
			continue // an older turn the store no longer has
		}
		var set struct {
			Phrases []assistant.PhraseHit `json:"phrases"`
		}
		if err := json.Unmarshal(t.Suggestions, &set); err != nil {
			continue
		}
		shown = append(shown, shownPhrases(i, set.Phrases)...)
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

func shownPhrases(turn int, hits []assistant.PhraseHit) []usage.Shown {
	out := make([]usage.Shown, len(hits))
	for i, p := range hits {
		out[i] = usage.Shown{ID: p.ID, Turn: turn, Text: p.Text}
	}
	return out
}

// recentConversations bounds the conversations whose last sets are kept in
// memory; one beyond it only costs a read of the store.
const recentConversations = 20_000

// recentSets keeps the phrases the last usageLookback committed turns of
// each conversation showed. A committed turn never changes, so a set kept
// is the set stored. It holds two generations of at most half the bound
// each: when the newer is full, the older is forgotten.
type recentSets struct {
	mu       sync.Mutex
	half     int
	cur, old map[topic]*convSets
}

// convSets is a ring of a conversation's last sets, by turn index.
type convSets [usageLookback]struct {
	turn    int // index+1; 0: empty
	phrases []usage.Shown
}

func newRecentSets(bound int) recentSets {
	return recentSets{half: max(1, bound/2), cur: map[topic]*convSets{}, old: map[topic]*convSets{}}
}

func (r *recentSets) put(key topic, turn int, sugg *assistant.Suggestions) {
	if sugg == nil {
		return
	}
	shown := shownPhrases(turn, sugg.Phrases)
	r.mu.Lock()
	defer r.mu.Unlock()
	cs := r.find(key)
	if cs == nil {
		if len(r.cur) >= r.half {
			r.old, r.cur = r.cur, make(map[topic]*convSets, r.half)
		}
		cs = &convSets{}
		r.cur[key] = cs
	}
	slot := &cs[turn%usageLookback]
	slot.turn, slot.phrases = turn+1, shown
}

func (r *recentSets) get(key topic, turn int) ([]usage.Shown, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cs := r.find(key)
	if cs == nil || cs[turn%usageLookback].turn != turn+1 {
		return nil, false
	}
	return cs[turn%usageLookback].phrases, true
}

// find is key's ring, moved into the newer generation if it was in the
// older; nil if neither has it.
func (r *recentSets) find(key topic) *convSets {
	if cs, ok := r.cur[key]; ok {
		return cs
	}
	cs, ok := r.old[key]
	if !ok {
		return nil
	}
	delete(r.old, key)
	if len(r.cur) >= r.half {
		r.old, r.cur = r.cur, make(map[topic]*convSets, r.half)
	}
	r.cur[key] = cs
	return cs
}
