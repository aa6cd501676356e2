package web

import (
	"context"
	"encoding/json"
	"testing"

	"assist/assistant"
	"assist/kb"
)

// usageStore is a turn log in memory that counts the turns read back.
type usageStore struct {
	turns  map[int]*kb.StoredTurn
	reads  int
	events []kb.Event
}

func (s *usageStore) Turn(_ context.Context, _ int64, _ string, i int) (*kb.StoredTurn, error) {
	s.reads++
	t, ok := s.turns[i]
	if !ok {
		return nil, kb.Errorf(kb.ENotFound, "no turn %d", i)
	}
	return t, nil
}

func (s *usageStore) AddEvents(_ context.Context, events ...kb.Event) error {
	s.events = append(s.events, events...)
	return nil
}

// An agent who types a phrase a recent turn showed has used it, whether the
// shown sets are still in the recorder's memory or only in the store (after
// a restart): the same event either way, and no read of the store when they
// are in memory.
func TestTypedUseFromMemoryAndFromStore(t *testing.T) {
	const phrase = "亲,两件一起拍更划算哦~"
	store := &usageStore{turns: map[int]*kb.StoredTurn{}}
	commit := func(u *UsageRecorder, i int, role assistant.Role, text string, hits []assistant.PhraseHit) {
		sugg := &assistant.Suggestions{Conversation: "c1", Turn: i, Role: role, Text: text, Phrases: hits}
		data, err := json.Marshal(sugg)
		if err != nil {
			t.Fatal(err)
		}
		st := &kb.StoredTurn{Shop: 1, Conversation: "c1", Index: i, Role: string(role), Text: text, PostedBy: "xiaoli", Suggestions: data}
		store.turns[i] = st
		u.AfterCommit(context.Background(), 1, "c1", st, sugg)
	}
	live := NewUsageRecorder(store, nil)
	commit(live, 0, assistant.Buyer, "能便宜点吗", []assistant.PhraseHit{{ID: "ph-two", Text: phrase}, {ID: "ph-other", Text: "亲,已经是最低价了"}})
	commit(live, 1, assistant.Buyer, "买两件呢", nil)
	commit(live, 2, assistant.Agent, phrase, nil)
	if store.reads != 0 {
		t.Errorf("%d turns read back from the store: want none, the sets are in memory", store.reads)
	}
	restarted := NewUsageRecorder(store, nil)
	restarted.AfterCommit(context.Background(), 1, "c1", store.turns[2], &assistant.Suggestions{Turn: 2})
	if store.reads == 0 {
		t.Error("a recorder started after the turns did not read them from the store")
	}
	if len(store.events) != 2 {
		t.Fatalf("events %+v: want one used event from each recorder", store.events)
	}
	for _, e := range store.events {
		if e.SuggestionID != "ph-two" || e.Turn != 0 || e.Action != kb.ActionUsed || !e.Typed || e.Edited {
			t.Errorf("event %+v: want ph-two of turn 0 used, typed, not edited", e)
		}
	}
}

// The memory of shown sets is bounded: conversations beyond the bound are
// forgotten oldest first, and a conversation touched again is kept.
func TestRecentSetsBound(t *testing.T) {
	r := newRecentSets(4)
	set := &assistant.Suggestions{Phrases: []assistant.PhraseHit{{ID: "p", Text: "x"}}}
	for i := range 10 {
		r.put(topic{1, string(rune('a' + i))}, 0, set)
		if _, ok := r.get(topic{1, "a"}, 0); !ok && i < 3 {
			t.Fatalf("conversation a forgotten after %d others", i)
		}
	}
	if n := len(r.cur) + len(r.old); n > 4 {
		t.Errorf("%d conversations kept: want at most 4", n)
	}
	if _, ok := r.get(topic{1, "j"}, 0); !ok {
		t.Error("the newest conversation was forgotten")
	}
	if _, ok := r.get(topic{1, "j"}, 4); ok {
		t.Error("turn 4 found where only turn 0 was kept (same ring slot)")
	}
}
