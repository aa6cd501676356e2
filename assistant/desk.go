package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"assist/assistant/cues"
	"assist/assistant/promise"
	"assist/kb"
	"assist/kb/index"
)

// TurnLog is where turns are committed and read back: the store.
type TurnLog interface {
	// Turns lists a conversation's turns in order; kb.ENotFound if it has none.
	Turns(ctx context.Context, shop int64, conv string) ([]kb.StoredTurn, error)
	// AddTurn commits a turn, and its IdempotencyKey if any, in one go.
	AddTurn(ctx context.Context, t *kb.StoredTurn) error
	// TurnByKey is the turn committed with an idempotency key in shop;
	// kb.ENotFound if none was.
	TurnByKey(ctx context.Context, shop int64, key string) (*kb.StoredTurn, error)
}

// Library gives a shop's knowledge and tells when it changed.
type Library interface {
	// ShopVersion is read before every turn: it must be cheap.
	ShopVersion(ctx context.Context, shop int64) (int64, error)
	ShopByID(ctx context.Context, shop int64) (*kb.Shop, kb.ShopInfo, error)
}

// Indexer builds, or opens again, the search index of a shop's knowledge at
// one version, and discards a version no turn uses any more.
type Indexer interface {
	Index(info kb.ShopInfo, shop *kb.Shop) (*index.Index, error)
	Discard(info kb.ShopInfo)
}

// Publisher pushes a turn's suggestions to those who watch the
// conversation, as soon as they are computed: before the turn is committed,
// so that a panel does not wait for the disk (the fan-out's tail was that
// wait, docs/figures.md, session 22). A turn the log then refuses is
// retracted. Neither may block: the conversation is held while they run,
// which is what keeps pushes and retractions in turn order.
type Publisher interface {
	Publish(shop int64, conv string, s *Suggestions, data []byte)
	// Retract takes back the suggestions of a turn published and then not
	// stored; the conversation's next turn takes its number.
	Retract(shop int64, conv string, turn int)
}

// DeskConfig is what a Desk is built from; Log, Library and Indexer are
// required.
type DeskConfig struct {
	Log       TurnLog
	Library   Library
	Indexer   Indexer
	Publisher Publisher        // nil: nobody is told
	Now       func() time.Time // nil: time.Now

	Cues     *cues.Lexicon    // nil: the embedded default
	Promises *promise.Checker // nil: the embedded default
	Terms    *Terms           // nil: the embedded default

	// Conversations held in memory are bounded: past MaxHeld, those idle
	// for IdleAfter are forgotten, then, while still past it, the least
	// recently used of those idle for a minute; a conversation forgotten
	// is replayed from the log if it comes back. Shops whose last turn is
	// older than ShopIdle are unloaded.
	MaxHeld   int           // 0: 20,000
	IdleAfter time.Duration // 0: 2 hours
	ShopIdle  time.Duration // 0: 1 hour

	// AfterCommit, if set, is called after each turn is committed and
	// published, with the conversation still held (so calls come in turn
	// order); it must be quick. The review uses it to find shown phrases
	// an agent typed instead of clicking.
	AfterCommit func(ctx context.Context, shop int64, conv string, stored *kb.StoredTurn, s *Suggestions)
}

// Desk is the one owner of every conversation's life, in every shop: for a
// turn it locks the conversation, warms it from the log if needed, has the
// shop's engine answer, commits the turn, publishes it in turn order, and
// forgets conversations and unloads shops left idle. What the panel saw, what
// the log holds and what the engine remembers agree because only the Desk
// moves them, one conversation at a time.
type Desk struct {
	cfg DeskConfig
	now func() time.Time

	shopsMu sync.Mutex
	shops   map[int64]*deskShop

	convsMu sync.Mutex
	convs   map[convKey]*deskConv
	swept   time.Time
}

type convKey struct {
	shop int64
	id   string
}

// deskShop is one shop's engine, loaded when first needed.
type deskShop struct {
	id       int64
	mu       sync.RWMutex // write: a load or reload; read: a turn's look at engine and info
	engine   *Engine
	info     kb.ShopInfo // the knowledge version the engine answers from
	indexed  kb.ShopInfo // the version its index directory was built for
	lastUsed time.Time   // guarded by Desk.shopsMu
	loadTime time.Duration
}

// deskConv is one conversation held in memory.
type deskConv struct {
	mu       sync.Mutex
	chat     *Conversation
	loaded   bool // chat holds what the log holds
	gone     bool // forgotten: whoever waited for mu must look the key up again
	lastUsed time.Time
}

// NewDesk builds a Desk; shops load on their first turn.
func NewDesk(cfg DeskConfig) (*Desk, error) {
	if cfg.Log == nil || cfg.Library == nil || cfg.Indexer == nil {
		return nil, errors.New("assistant: a desk needs a turn log, a library and an indexer")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Cues == nil {
		cfg.Cues = cues.Default()
	}
	if cfg.Promises == nil {
		cfg.Promises = promise.Default()
	}
	if cfg.Terms == nil {
		cfg.Terms = DefaultTerms()
	}
	if cfg.MaxHeld <= 0 {
		cfg.MaxHeld = 20_000
	}
	if cfg.IdleAfter <= 0 {
		cfg.IdleAfter = 2 * time.Hour
	}
	if cfg.ShopIdle <= 0 {
		cfg.ShopIdle = time.Hour
	}
	return &Desk{cfg: cfg, now: cfg.Now, shops: map[int64]*deskShop{}, convs: map[convKey]*deskConv{}}, nil
}

// Turn answers turn t of conversation conv in shop, commits it with its
// suggestion set and publishes it. The returned JSON is the set exactly as
// stored and pushed.
func (d *Desk) Turn(ctx context.Context, shop int64, conv string, t Turn, postedBy string) (*Suggestions, []byte, error) {
	return d.TurnOnce(ctx, shop, conv, "", t, postedBy)
}

// TurnOnce is Turn with an idempotency key (none if ""): when the shop has
// committed a turn under key already, the same turn posted again is
// answered with that turn's stored set and nothing is committed or pushed;
// another turn under that key is a conflict.
func (d *Desk) TurnOnce(ctx context.Context, shop int64, conv, key string, t Turn, postedBy string) (*Suggestions, []byte, error) {
	eng, err := d.engine(ctx, shop)
	if err != nil {
		return nil, nil, err
	}
	asked := t
	if t.At.IsZero() {
		t.At = d.now()
	}
	if err := eng.Validate(t); err != nil {
		return nil, nil, err
	}
	var sugg *Suggestions
	var data []byte
	err = d.withConversation(ctx, eng, shop, conv, func(c *Conversation) error {
		if key != "" {
			// Under the conversation's lock: a retry racing its first try
			// waits for it and then finds its key.
			if sugg, data, err = d.committed(ctx, shop, conv, key, asked, postedBy); sugg != nil || err != nil {
				return err
			}
		}
		if sugg, err = eng.Turn(c, t); err != nil {
			return err
		}
		if data, err = EncodeSet(sugg); err != nil {
			return fmt.Errorf("encode suggestions of %s/%d: %w", conv, sugg.Turn, err)
		}
		stored := &kb.StoredTurn{Shop: shop, Conversation: conv, Index: sugg.Turn, Role: string(t.Role), Text: t.Text,
			Product: t.Product, At: t.At, PostedBy: postedBy, Suggestions: data, IdempotencyKey: key,
			BuyerName: t.BuyerName, Assignee: t.Assignee}
		pub := d.cfg.Publisher
		if pub != nil {
			pub.Publish(shop, conv, sugg, data)
		}
		// The engine has counted the turn: finish the write even if the
		// caller hangs up, or memory and log would disagree. The caller's
		// answer waits for it: an acknowledged turn is a stored one.
		if err := d.cfg.Log.AddTurn(context.WithoutCancel(ctx), stored); err != nil {
			if pub != nil {
				pub.Retract(shop, conv, sugg.Turn)
			}
			return err
		}
		if d.cfg.AfterCommit != nil {
			d.cfg.AfterCommit(context.WithoutCancel(ctx), shop, conv, stored, sugg)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return sugg, data, nil
}

// committed is the answer already given to the turn posted under key: nil
// if there is none, a conflict if the key was used for another turn.
func (d *Desk) committed(ctx context.Context, shop int64, conv, key string, t Turn, postedBy string) (*Suggestions, []byte, error) {
	prev, err := d.cfg.Log.TurnByKey(ctx, shop, key)
	if kb.ErrorCode(err) == kb.ENotFound {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if prev.Conversation != conv || prev.Role != string(t.Role) || prev.Text != t.Text || prev.Product != t.Product ||
		prev.PostedBy != postedBy || (!t.At.IsZero() && !t.At.Equal(prev.At)) {
		return nil, nil, kb.Errorf(kb.EConflict, "幂等键 %q 已用于另一句话(会话 %s 第 %d 句),请换一个新键 (Idempotency-Key already used for a different turn)",
			key, prev.Conversation, prev.Index)
	}
	var sugg Suggestions
	if err := json.Unmarshal(prev.Suggestions, &sugg); err != nil {
		return nil, nil, fmt.Errorf("decode stored suggestions of %s/%d: %w", conv, prev.Index, err)
	}
	return &sugg, prev.Suggestions, nil
}

// Check looks at an agent's draft in conversation conv of shop without
// recording it.
func (d *Desk) Check(ctx context.Context, shop int64, conv, text string) (*Suggestions, error) {
	eng, err := d.engine(ctx, shop)
	if err != nil {
		return nil, err
	}
	var sugg *Suggestions
	err = d.withConversation(ctx, eng, shop, conv, func(c *Conversation) error {
		sugg, err = eng.Check(c, text, d.now())
		return err
	})
	return sugg, err
}

// Knowledge is the shop's knowledge as its next turn will see it.
func (d *Desk) Knowledge(ctx context.Context, shop int64) (*kb.Shop, error) {
	eng, err := d.engine(ctx, shop)
	if err != nil {
		return nil, err
	}
	return eng.Shop(), nil
}

// ShopStats describes a loaded shop.
type ShopStats struct {
	Info     kb.ShopInfo
	LoadTime time.Duration // the last load or reload
}

// Loaded lists the shops whose engines are in memory.
func (d *Desk) Loaded() []ShopStats {
	d.shopsMu.Lock()
	list := make([]*deskShop, 0, len(d.shops))
	for _, sh := range d.shops {
		list = append(list, sh)
	}
	d.shopsMu.Unlock()
	var out []ShopStats
	for _, sh := range list {
		sh.mu.RLock()
		if sh.engine != nil {
			out = append(out, ShopStats{Info: sh.info, LoadTime: sh.loadTime})
		}
		sh.mu.RUnlock()
	}
	return out
}

// Held is how many conversations are in memory.
func (d *Desk) Held() int {
	d.convsMu.Lock()
	defer d.convsMu.Unlock()
	return len(d.convs)
}

// Close releases every loaded shop's index.
func (d *Desk) Close() error {
	d.shopsMu.Lock()
	defer d.shopsMu.Unlock()
	var errs []error
	for id, sh := range d.shops {
		sh.mu.Lock()
		if sh.engine != nil {
			errs = append(errs, sh.engine.Close())
			sh.engine = nil
		}
		sh.mu.Unlock()
		delete(d.shops, id)
	}
	return errors.Join(errs...)
}

// engine is shop's engine at the knowledge's current version: loaded on
// first use, reloaded when an import or an edit (by this process or
// another) has changed the shop since: as soon as the Library's
// ShopVersion says so (the SQLite store trusts a version it read for up
// to a second, unless it made the edit). Only this shop's turns wait for it.
func (d *Desk) engine(ctx context.Context, shop int64) (*Engine, error) {
	version, err := d.cfg.Library.ShopVersion(ctx, shop)
	if err != nil {
		return nil, err
	}
	sh := d.shopEntry(shop)
	sh.mu.RLock()
	eng, current := sh.engine, sh.info.Version == version
	sh.mu.RUnlock()
	if eng != nil && current {
		return eng, nil
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.engine != nil && sh.info.Version >= version {
		return sh.engine, nil // another turn loaded it meanwhile
	}
	start := time.Now()
	k, info, err := d.cfg.Library.ShopByID(ctx, shop)
	if err != nil {
		return nil, err
	}
	if sh.engine != nil {
		// An edit of phrases alone is put into the index in use, in place:
		// tens of milliseconds where a new index takes seconds on a big shop.
		if done, err := d.reloadPhrases(sh, k, info); done || err != nil {
			if err != nil {
				return nil, err
			}
			sh.info = info
			sh.loadTime = time.Since(start)
			return sh.engine, nil
		}
	}
	idx, err := d.cfg.Indexer.Index(info, k)
	if err != nil {
		return nil, fmt.Errorf("index shop %q: %w", info.Name, err)
	}
	if sh.engine == nil {
		eng, err := New(Config{Shop: k, Index: idx, Cues: d.cfg.Cues, Promises: d.cfg.Promises, Terms: d.cfg.Terms, Now: d.now})
		if err != nil {
			idx.Close()
			return nil, err
		}
		sh.engine = eng
	} else {
		if err := sh.engine.Reload(k, idx); err != nil {
			return nil, err
		}
		d.cfg.Indexer.Discard(sh.indexed)
	}
	sh.info, sh.indexed = info, info
	sh.loadTime = time.Since(start)
	return sh.engine, nil
}

// reloadPhrases brings the engine to shop k when only its phrases changed
// since the knowledge in use: the changed phrases are put into the index in
// use and the engine reloaded over it. It reports false, and changes
// nothing, when more than phrases changed.
func (d *Desk) reloadPhrases(sh *deskShop, k *kb.Shop, info kb.ShopInfo) (bool, error) {
	old := sh.engine.Shop()
	if !samePhrasesAside(old, k) {
		return false, nil
	}
	idx := sh.engine.index()
	before := make(map[string]*kb.Phrase, len(old.Phrases))
	for i := range old.Phrases {
		before[old.Phrases[i].ID] = &old.Phrases[i]
	}
	for i := range k.Phrases {
		p := &k.Phrases[i]
		if was, ok := before[p.ID]; ok && reflect.DeepEqual(*was, *p) {
			delete(before, p.ID)
			continue
		}
		delete(before, p.ID)
		if err := idx.PutPhrase(p); err != nil {
			return false, fmt.Errorf("index phrase %q of shop %q: %w", p.ID, info.Name, err)
		}
	}
	for id := range before { // retired or removed
		if err := idx.DeletePhrase(id); err != nil {
			return false, fmt.Errorf("unindex phrase %q of shop %q: %w", id, info.Name, err)
		}
	}
	return true, sh.engine.Reload(k, idx)
}

// samePhrasesAside reports whether two versions of a shop differ at most in
// their phrases and lessons (which no index holds).
func samePhrasesAside(a, b *kb.Shop) bool {
	x, y := *a, *b
	x.Phrases, y.Phrases = nil, nil
	x.Lessons, y.Lessons = kb.Lessons{}, kb.Lessons{}
	return reflect.DeepEqual(x, y)
}

func (d *Desk) shopEntry(id int64) *deskShop {
	d.shopsMu.Lock()
	defer d.shopsMu.Unlock()
	sh, ok := d.shops[id]
	if !ok {
		sh = &deskShop{id: id}
		d.shops[id] = sh
	}
	sh.lastUsed = d.now()
	return sh
}

// withConversation runs fn on the conversation while holding it, after
// replaying its logged turns the first time it is touched since start (or
// since it was forgotten). If fn fails, the conversation is marked for
// replay, so the next turn starts again from what the log holds.
func (d *Desk) withConversation(ctx context.Context, eng *Engine, shop int64, id string, fn func(*Conversation) error) error {
	d.sweep()
	key := convKey{shop, id}
	c := d.conversation(key)
	c.mu.Lock()
	for c.gone {
		c.mu.Unlock()
		c = d.conversation(key)
		c.mu.Lock()
	}
	defer c.mu.Unlock()
	c.lastUsed = d.now()
	if !c.loaded {
		stored, err := d.cfg.Log.Turns(ctx, shop, id)
		if err != nil && kb.ErrorCode(err) != kb.ENotFound {
			return err
		}
		turns := make([]Turn, len(stored))
		for i, t := range stored {
			turns[i] = Turn{Role: Role(t.Role), Text: t.Text, Product: t.Product, At: t.At, BuyerName: t.BuyerName, Assignee: t.Assignee}
		}
		eng.Replay(c.chat, turns)
		c.loaded = true
	}
	if err := fn(c.chat); err != nil {
		c.loaded = false
		return err
	}
	return nil
}

func (d *Desk) conversation(key convKey) *deskConv {
	d.convsMu.Lock()
	defer d.convsMu.Unlock()
	c, ok := d.convs[key]
	if !ok {
		c = &deskConv{chat: NewConversation(key.id)}
		d.convs[key] = c
	}
	return c
}

// sweep forgets conversations idle past IdleAfter once more than MaxHeld are
// held, then the least recently used down to MaxHeld (a busy hour starts
// more conversations than MaxHeld within IdleAfter), skipping any in use or
// used in the last minute, and unloads shops idle past ShopIdle. It runs at
// most once a minute.
func (d *Desk) sweep() {
	now := d.now()
	d.convsMu.Lock()
	if now.Sub(d.swept) < time.Minute {
		d.convsMu.Unlock()
		return
	}
	d.swept = now
	if len(d.convs) > d.cfg.MaxHeld {
		cutoff := now.Add(-d.cfg.IdleAfter)
		for key, c := range d.convs {
			if !c.mu.TryLock() {
				continue
			}
			if c.lastUsed.Before(cutoff) {
				c.gone = true
				delete(d.convs, key)
			}
			c.mu.Unlock()
		}
		d.forgetLeastRecent(now.Add(-minHeldIdle))
	}
	d.convsMu.Unlock()
	d.unloadIdleShops(now)
}

// minHeldIdle is how long a conversation must have been idle before it is
// forgotten to bring the Desk back to MaxHeld: one that has just been used is
// likely to be used again at once, and a replay costs a read of the log.
const minHeldIdle = time.Minute

// forgetLeastRecent forgets the least recently used conversations, each
// idle since before cutoff and not in use, until MaxHeld are held. The
// caller holds convsMu.
func (d *Desk) forgetLeastRecent(cutoff time.Time) {
	over := len(d.convs) - d.cfg.MaxHeld
	if over <= 0 {
		return
	}
	type idle struct {
		key  convKey
		used time.Time
	}
	var idles []idle
	for key, c := range d.convs {
		if !c.mu.TryLock() {
			continue
		}
		if c.lastUsed.Before(cutoff) {
			idles = append(idles, idle{key, c.lastUsed})
		}
		c.mu.Unlock()
	}
	slices.SortFunc(idles, func(a, b idle) int { return a.used.Compare(b.used) })
	for _, i := range idles[:min(over, len(idles))] {
		c := d.convs[i.key]
		if !c.mu.TryLock() {
			continue // taken meanwhile: in use again
		}
		if c.lastUsed.Equal(i.used) {
			c.gone = true
			delete(d.convs, i.key)
		}
		c.mu.Unlock()
	}
}

// unloadIdleShops closes the engines of shops without a turn for ShopIdle.
// Their conversations stay: a conversation's memory does not depend on the
// engine, and the next turn loads the shop again.
func (d *Desk) unloadIdleShops(now time.Time) {
	cutoff := now.Add(-d.cfg.ShopIdle)
	d.shopsMu.Lock()
	var idle []*deskShop
	for id, sh := range d.shops {
		if sh.lastUsed.Before(cutoff) {
			idle = append(idle, sh)
			delete(d.shops, id)
		}
	}
	d.shopsMu.Unlock()
	for _, sh := range idle {
		sh.mu.Lock()
		if sh.engine != nil {
			sh.engine.Close()
			sh.engine = nil
		}
		sh.mu.Unlock()
	}
}

// Try answers a line as a turn of role in shop without recording it, and
// says which of the shop's lessons changed it.
func (d *Desk) Try(ctx context.Context, shop int64, role Role, text, product string) (*Suggestions, []Lesson, error) {
	eng, err := d.engine(ctx, shop)
	if err != nil {
		return nil, nil, err
	}
	return eng.Try(role, text, product)
}

// Categories are the cue categories of the lexicon: what a nudge can be
// about, and so what an agent's flag or a shop's cue word can name.
func (d *Desk) Categories() []cues.Category { return d.cfg.Cues.Categories() }
