package web

import (
	"context"
	"sync"
	"time"

	"assist/assistant"
	"assist/kb"
)

// Conversations held in memory are bounded: past maxHeld, those idle for
// longer than idleAfter are forgotten (by the engine too) and replayed from
// the store if they come back. A shop's day has many short chats; without
// this the engine would keep every one of them until restart.
const (
	maxHeld   = 20_000
	idleAfter = 2 * time.Hour
)

// conversations serialises the work on each conversation, so that its turns
// are numbered, stored and pushed in one order, and remembers which ones the
// engine has been brought up to date with.
type conversations struct {
	mu    sync.Mutex
	m     map[string]*convState
	now   func() time.Time
	max   int
	swept time.Time // the last sweep, so a busy server sweeps once a minute at most
}

type convState struct {
	mu       sync.Mutex
	loaded   bool // the engine has replayed the stored turns
	gone     bool // forgotten: whoever waited for mu must look the id up again
	lastUsed time.Time
}

func newConversations() *conversations {
	return &conversations{m: map[string]*convState{}, now: time.Now, max: maxHeld}
}

func (cs *conversations) get(id string) *convState {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.m[id]
	if !ok {
		c = &convState{}
		cs.m[id] = c
	}
	return c
}

// evictIdle forgets conversations idle past idleAfter once more than max are
// held, skipping any in use right now. forget is called for each, under its
// lock.
func (cs *conversations) evictIdle(forget func(id string)) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	now := cs.now()
	if len(cs.m) <= cs.max || now.Sub(cs.swept) < time.Minute {
		return
	}
	cs.swept = now
	cutoff := now.Add(-idleAfter)
	for id, c := range cs.m {
		if !c.mu.TryLock() {
			continue
		}
		if c.lastUsed.Before(cutoff) {
			c.gone = true
			delete(cs.m, id)
			forget(id)
		}
		c.mu.Unlock()
	}
}

// withConversation runs fn while holding the conversation, after replaying
// its stored turns into the engine the first time it is touched since start
// (or since it was forgotten). If fn fails, the engine forgets the
// conversation so the next turn starts again from what the store holds.
func (s *Server) withConversation(ctx context.Context, id string, fn func() error) error {
	s.convs.evictIdle(s.engine.Forget)
	c := s.convs.get(id)
	c.mu.Lock()
	for c.gone {
		c.mu.Unlock()
		c = s.convs.get(id)
		c.mu.Lock()
	}
	defer c.mu.Unlock()
	c.lastUsed = s.convs.now()
	if !c.loaded {
		stored, err := s.store.Turns(ctx, id)
		if err != nil && kb.ErrorCode(err) != kb.ENotFound {
			return err
		}
		turns := make([]assistant.Turn, len(stored))
		for i, t := range stored {
			turns[i] = assistant.Turn{Role: assistant.Role(t.Role), Text: t.Text, Product: t.Product, At: t.At}
		}
		s.engine.Replay(id, turns)
		c.loaded = true
	}
	if err := fn(); err != nil {
		s.engine.Forget(id)
		c.loaded = false
		return err
	}
	return nil
}
