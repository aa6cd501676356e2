package assistant

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"assist/assistant/cues"
	"assist/assistant/promise"
	"assist/kb"
	"assist/kb/index"
	"assist/kb/sqlite"
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

// Engine keeps every live conversation's state and answers each turn with
// suggestions. It is safe for concurrent use; turns of one conversation are
// handled one at a time, different conversations in parallel.
type Engine struct {
	cues     *cues.Lexicon
	promises *promise.Checker
	terms    *Terms
	now      func() time.Time

	mu   sync.RWMutex // guards know: held for reading through a whole turn, for writing by Reload
	know *knowledge

	convMu sync.Mutex
	convs  map[string]*conversation
}

// New builds an engine over one shop's knowledge.
func New(cfg Config) (*Engine, error) {
	if cfg.Shop == nil || cfg.Index == nil {
		return nil, fmt.Errorf("assistant: a shop and its index are required")
	}
	e := &Engine{cues: cfg.Cues, promises: cfg.Promises, terms: cfg.Terms, now: cfg.Now,
		convs: map[string]*conversation{}}
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
	e.know = know
	return e, nil
}

// Load reads shopName from the store, rebuilds its index in indexDir and
// returns an engine over them.
func Load(ctx context.Context, db *sqlite.DB, shopName, indexDir string) (*Engine, error) {
	shop, err := db.Shop(ctx, shopName)
	if err != nil {
		return nil, err
	}
	idx, err := index.Build(filepath.Clean(indexDir), shop)
	if err != nil {
		return nil, err
	}
	return New(Config{Shop: shop, Index: idx})
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
	e.mu.Lock()
	old := e.know
	e.know = know
	e.mu.Unlock()
	if old != nil && old.index != idx {
		return old.index.Close()
	}
	return nil
}

// Close releases the index.
func (e *Engine) Close() error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.know.index.Close()
}

// Shop is the shop the engine answers for.
func (e *Engine) Shop() *kb.Shop { return e.knowledge().shop }

func (e *Engine) knowledge() *knowledge {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.know
}

func (e *Engine) conversation(id string) *conversation {
	e.convMu.Lock()
	defer e.convMu.Unlock()
	c, ok := e.convs[id]
	if !ok {
		c = &conversation{id: id}
		e.convs[id] = c
	}
	return c
}

// Forget drops what the engine holds of conversation conv. The caller
// replays it from the store before its next turn; until then the engine
// would start it afresh.
func (e *Engine) Forget(conv string) {
	e.convMu.Lock()
	defer e.convMu.Unlock()
	delete(e.convs, conv)
}

// Conversations is how many conversations the engine holds.
func (e *Engine) Conversations() int {
	e.convMu.Lock()
	defer e.convMu.Unlock()
	return len(e.convs)
}

// Turn records t in conversation conv and returns what the agent should see.
func (e *Engine) Turn(conv string, t Turn) (*Suggestions, error) {
	if !t.Role.Valid() {
		return nil, kb.Errorf(kb.EInvalid, "role %q: want buyer or agent", t.Role)
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	know := e.know
	if t.Product != "" {
		if _, ok := know.shop.Product(t.Product); !ok {
			return nil, kb.Errorf(kb.EInvalid, "product %q: no such product in shop %q", t.Product, know.shop.Name)
		}
	}
	if t.At.IsZero() {
		t.At = e.now()
	}
	c := e.conversation(conv)
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.answer(know, c, t, true)
}

// Check looks at a draft reply of the agent's in conversation conv without
// recording it: does it promise what the shop cannot, admit fault too early,
// or use forbidden absolute words?
func (e *Engine) Check(conv string, text string, at time.Time) (*Suggestions, error) {
	if at.IsZero() {
		at = e.now()
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	know := e.know
	c := e.conversation(conv)
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.answer(know, c, Turn{Role: Agent, Text: text, At: at}, false)
}

// Replay restores a conversation's state from its stored turns, as after a
// restart, without computing suggestions. Whatever the engine held for conv
// before is replaced, so replaying twice gives the same state as once.
func (e *Engine) Replay(conv string, turns []Turn) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	know := e.know
	c := e.conversation(conv)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = state{}
	for _, t := range turns {
		if t.At.IsZero() {
			t.At = e.now()
		}
		c.observe(know, e.cues.Detect(string(t.Role), t.Text), t)
	}
}
