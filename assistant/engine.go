package assistant

import (
	"fmt"
	"sync"
	"time"

	"assist/assistant/cues"
	"assist/assistant/promise"
	"assist/kb"
	"assist/kb/index"
)

// Config is what an Engine is built from. Only Shop and Index are required.
type Config struct {
	Shop     *kb.Shop
	Index    *index.Index
	Cues     *cues.Lexicon    // nil: the embedded default lexicon
	Promises *promise.Checker // nil: the embedded default lexicon
	Terms    *Terms           // nil: the embedded terms.txt
	Now      func() time.Time // nil: time.Now
}

// Engine answers turns with suggestions from one shop's knowledge. It holds
// no conversations: the caller hands it each chat's Conversation (the Desk
// owns them, one lock each), so what a chat remembers lives in one place. It
// is safe for concurrent use on different conversations.
type Engine struct {
	cues     *cues.Lexicon
	promises *promise.Checker
	terms    *Terms
	now      func() time.Time

	mu   sync.RWMutex // guards know: held for reading through a whole turn, for writing by Reload
	know *knowledge
}

// New builds an engine over one shop's knowledge.
func New(cfg Config) (*Engine, error) {
	if cfg.Shop == nil || cfg.Index == nil {
		return nil, fmt.Errorf("assistant: a shop and its index are required")
	}
	e := &Engine{cues: cfg.Cues, promises: cfg.Promises, terms: cfg.Terms, now: cfg.Now}
	if e.cues == nil {
		e.cues = cues.Default()
	}
	if e.promises == nil {
		e.promises = promise.Default()
	}
	if e.terms == nil {
		e.terms = DefaultTerms()
	}
	if e.now == nil {
		e.now = time.Now
	}
	know, err := newKnowledge(cfg.Shop, cfg.Index, e.terms)
	if err != nil {
		return nil, err
	}
	know.lessons = newLessons(cfg.Shop.Lessons, e.cues)
	know.tagged = taggedPhrases(cfg.Shop, e.cues)
	e.know = know
	return e, nil
}

// Reload swaps in new knowledge (after an admin edit); conversations keep
// their state. Turns hold the read lock for as long as they use the
// knowledge, so once the swap has the write lock no turn is searching the
// old index and it can be closed at once.
func (e *Engine) Reload(shop *kb.Shop, idx *index.Index) error {
	know, err := newKnowledge(shop, idx, e.terms)
	if err != nil {
		return err
	}
	know.lessons = newLessons(shop.Lessons, e.cues)
	know.tagged = taggedPhrases(shop, e.cues)
	e.mu.Lock()
	old := e.know
	e.know = know
	e.mu.Unlock()
	if old != nil && old.index != idx {
		return old.index.Close()
	}
	return nil
}

// index is the index turns search now.
func (e *Engine) index() *index.Index {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.know.index
}

// Close releases the index once no turn is searching it.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.know.index.Close()
}

// Shop is the shop the engine answers for.
func (e *Engine) Shop() *kb.Shop { return e.knowledge().shop }

func (e *Engine) knowledge() *knowledge {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.know
}

// Turn records t in conversation c and returns what the agent should see.
// The caller serialises the turns of one conversation.
func (e *Engine) Turn(c *Conversation, t Turn) (*Suggestions, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	know := e.know
	if err := know.valid(t); err != nil {
		return nil, err
	}
	if t.At.IsZero() {
		t.At = e.now()
	}
	return e.answer(know, c, t, true)
}

// Validate checks a turn against the shop before anything is recorded: a
// known role, and a product the shop sells.
func (e *Engine) Validate(t Turn) error { return e.knowledge().valid(t) }

// Check looks at a draft reply of the agent's in conversation c without
// recording it: does it promise what the shop cannot, admit fault too early,
// or use forbidden absolute words?
func (e *Engine) Check(c *Conversation, text string, at time.Time) (*Suggestions, error) {
	if at.IsZero() {
		at = e.now()
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.answer(e.know, c, Turn{Role: Agent, Text: text, At: at}, false)
}

// Replay restores a conversation's state from its stored turns, as after a
// restart, without computing suggestions. Whatever c held before is
// replaced, so replaying twice gives the same state as once.
func (e *Engine) Replay(c *Conversation, turns []Turn) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	know := e.know
	c.state = state{}
	for _, t := range turns {
		if t.At.IsZero() {
			t.At = e.now()
		}
		c.observe(know, e.read(know, &c.state, t), t)
	}
}
