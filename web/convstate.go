package web

import (
	"context"
	"sync"

	"assist/assistant"
	"assist/kb"
)

// conversations serialises the work on each conversation, so that its turns
// are numbered, stored and pushed in one order, and remembers which ones the
// engine has been brought up to date with since the server started.
type conversations struct {
	mu sync.Mutex
	m  map[string]*convState
}

type convState struct {
	mu     sync.Mutex
	loaded bool // the engine has replayed the stored turns
}

func newConversations() *conversations { return &conversations{m: map[string]*convState{}} }

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

// withConversation runs fn while holding the conversation, after replaying
// its stored turns into the engine the first time it is touched since start.
func (s *Server) withConversation(ctx context.Context, id string, fn func() error) error {
	c := s.convs.get(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		stored, err := s.store.Turns(ctx, id)
		if err != nil && kb.ErrorCode(err) != kb.ENotFound {
			return err
		}
		turns := make([]assistant.Turn, len(stored))
		for i, t := range stored {
			turns[i] = assistant.Turn{Role: assistant.Role(t.Role), Text: t.Text, Product: t.Product, At: t.At}
		}
		if len(turns) > 0 {
			s.engine.Replay(id, turns)
		}
		c.loaded = true
	}
	return fn()
}
