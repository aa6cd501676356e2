package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/postgres"
	"assist/web"
)

// isPostgres reports whether a -store value names a PostgreSQL database.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// retryDesk answers a turn again when another instance committed the same
// turn index of the conversation first. The Desk holds conversations in
// memory; with several instances, the one that did not take the last turn
// holds a stale copy, numbers the new turn as the last one, and the store
// refuses it (conflict, the unique (shop, conversation, idx) key). The
// failed attempt left the conversation marked for replay, so the next
// attempt reads the log again and numbers the turn after what is stored.
type retryDesk struct{ *assistant.Desk }

// turnAttempts bounds the retries: each lost race means another instance
// stored a turn of this conversation meanwhile.
const turnAttempts = 5

func (d retryDesk) Turn(ctx context.Context, shop int64, conv string, t assistant.Turn, postedBy string) (*assistant.Suggestions, []byte, error) {
	return d.TurnOnce(ctx, shop, conv, "", t, postedBy)
}

func (d retryDesk) TurnOnce(ctx context.Context, shop int64, conv, key string, t assistant.Turn, postedBy string) (*assistant.Suggestions, []byte, error) {
	if t.At.IsZero() {
		t.At = time.Now() // one time for every attempt
	}
	for attempt := 1; ; attempt++ {
		sugg, data, err := d.Desk.TurnOnce(ctx, shop, conv, key, t, postedBy)
		if kb.ErrorCode(err) != kb.EConflict || attempt == turnAttempts || ctx.Err() != nil {
			return sugg, data, err
		}
	}
}

// relay pushes every committed turn, whichever instance took it, to this
// instance's panels: it listens for the store's turn notices, which arrive
// in commit order, and publishes each turn's suggestion set to the local
// hub in that order. A set this instance answered itself is kept from the
// Desk (Publish); any other is read from the store, the notices that queued
// up meanwhile in one query.
type relay struct {
	db  *postgres.DB
	hub *web.Hub
	log *slog.Logger

	mu    sync.Mutex
	last  map[convKey]pushedTurn       // the last turn pushed, per conversation
	stash map[postgres.TurnKey]stashed // sets this instance answered, not yet pushed
	swept time.Time
}

type convKey struct {
	shop int64
	conv string
}

type pushedTurn struct {
	index int
	at    time.Time
}

type stashed struct {
	sugg *assistant.Suggestions
	data []byte
	at   time.Time
}

// relayForget is how long a quiet conversation's last pushed index is kept
// (a notice for it after that is pushed without filling gaps), and a set
// whose notice never came (the listening connection was lost) is kept.
const (
	relayForget   = time.Hour
	relayStashFor = time.Minute
	relayBatch    = 256 // notices read from the store in one query, at most
)

// startRelay announces this instance's turns and starts pushing everyone's.
// It returns once listening, so no turn committed after is missed.
func startRelay(ctx context.Context, db *postgres.DB, hub *web.Hub, log *slog.Logger) (r *relay, stop func(), err error) {
	host, _ := os.Hostname()
	db.Announce(fmt.Sprintf("%s/%d/%d", host, os.Getpid(), time.Now().UnixNano()))
	l, err := db.Listen(ctx)
	if err != nil {
		return nil, nil, err
	}
	notices := make(chan postgres.TurnNotice, 4096)
	l.OnReconnect = func(err error) {
		log.Warn("turn notices: connection lost and opened again; catching up the conversations pushed lately", "err", err)
		notices <- postgres.TurnNotice{Origin: resyncNotice}
	}
	l.OnClosing = hub.CloseSockets // a logout or a revoked token on any instance
	r = &relay{db: db, hub: hub, log: log, last: map[convKey]pushedTurn{}, stash: map[postgres.TurnKey]stashed{}, swept: time.Now()}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(notices)
		defer l.Close()
		for {
			n, err := l.Next(rctx)
			if err != nil {
				return
			}
			notices <- n
		}
	}()
	go func() {
		defer wg.Done()
		for n := range notices {
			if n.Origin == resyncNotice {
				r.resync(rctx)
				continue
			}
			batch := []postgres.TurnNotice{n}
		more:
			for len(batch) < relayBatch {
				select {
				case n, ok := <-notices:
					if !ok {
						break more
					}
					if n.Origin == resyncNotice {
						r.push(rctx, batch)
						r.resync(rctx)
						batch = nil
						break more
					}
					batch = append(batch, n)
				default:
					break more
				}
			}
			if len(batch) > 0 {
				r.push(rctx, batch)
			}
		}
	}()
	return r, func() { cancel(); wg.Wait() }, nil
}

// resyncNotice marks, in the relay's queue, that the listening connection
// was lost: notices sent meanwhile are gone.
const resyncNotice = "\x00resync"

// resync pushes what the conversations this instance pushed lately gained
// while notices were lost: each one's stored turns past the last pushed.
func (r *relay) resync(ctx context.Context) {
	r.mu.Lock()
	keys := make([]postgres.TurnKey, 0, len(r.last))
	for k := range r.last {
		keys = append(keys, postgres.TurnKey{Shop: k.shop, Conversation: k.conv})
	}
	r.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	last, err := r.db.LastTurns(ctx, keys)
	if err != nil {
		r.log.Warn("turn notices: catch up", "err", err)
		return
	}
	var missed []postgres.TurnNotice
	for k, idx := range last {
		missed = append(missed, postgres.TurnNotice{Shop: k.Shop, Conversation: k.Conversation, Index: idx})
	}
	r.push(ctx, missed) // push skips what was pushed and fills what was not
}

// Publish is the Desk's publisher: it keeps the set of a turn this instance
// answered until the turn's notice comes, so that pushes keep commit order
// across instances without reading the set back.
func (r *relay) Publish(shop int64, conv string, sugg *assistant.Suggestions, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.last[convKey{shop, conv}]; ok && sugg.Turn <= p.index {
		return // its notice came first and the set was read from the store
	}
	r.stash[postgres.TurnKey{Shop: shop, Conversation: conv, Index: sugg.Turn}] = stashed{sugg, data, time.Now()}
}

// Retract forgets the set of a turn this instance published and the store
// then refused: no notice will come for it, and a turn that takes its
// number later brings its own set.
func (r *relay) Retract(shop int64, conv string, turn int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.stash, postgres.TurnKey{Shop: shop, Conversation: conv, Index: turn})
}

// push publishes the turns a batch of notices names, in order, after any
// turn of the same conversation whose notice was lost (a gap since the last
// one pushed), and never a turn twice.
func (r *relay) push(ctx context.Context, batch []postgres.TurnNotice) {
	now := time.Now()
	var plan []postgres.TurnKey
	r.mu.Lock()
	for _, n := range batch {
		key := convKey{n.Shop, n.Conversation}
		from := n.Index
		if p, ok := r.last[key]; ok {
			if n.Index <= p.index {
				continue
			}
			from = p.index + 1
		}
		for i := from; i <= n.Index; i++ {
			plan = append(plan, postgres.TurnKey{Shop: n.Shop, Conversation: n.Conversation, Index: i})
		}
		r.last[key] = pushedTurn{index: n.Index, at: now}
	}
	var missing []postgres.TurnKey
	kept := map[postgres.TurnKey]stashed{}
	for _, k := range plan {
		if st, ok := r.stash[k]; ok {
			kept[k] = st
			delete(r.stash, k)
		} else {
			missing = append(missing, k)
		}
	}
	r.sweep(now)
	r.mu.Unlock()

	var read map[postgres.TurnKey][]byte
	if len(missing) > 0 {
		var err error
		if read, err = r.db.SuggestionSets(ctx, missing); err != nil {
			r.log.Warn("push turns: read their suggestion sets", "turns", len(missing), "err", err)
		}
	}
	for _, k := range plan {
		if st, ok := kept[k]; ok {
			r.hub.Publish(k.Shop, k.Conversation, st.sugg, st.data)
			continue
		}
		data, ok := read[k]
		if !ok {
			r.log.Warn("push turn: not in the store", "shop", k.Shop, "conversation", k.Conversation, "turn", k.Index)
			continue
		}
		var sugg assistant.Suggestions
		if err := json.Unmarshal(data, &sugg); err != nil {
			r.log.Warn("push turn: stored suggestions", "shop", k.Shop, "conversation", k.Conversation, "turn", k.Index, "err", err)
			continue
		}
		r.hub.Publish(k.Shop, k.Conversation, &sugg, data)
	}
}

// sweep forgets quiet conversations and sets whose notice never came, at
// most once a minute; r.mu is held.
func (r *relay) sweep(now time.Time) {
	if now.Sub(r.swept) < time.Minute {
		return
	}
	r.swept = now
	for k, p := range r.last {
		if now.Sub(p.at) > relayForget {
			delete(r.last, k)
		}
	}
	for k, st := range r.stash {
		if now.Sub(st.at) > relayStashFor {
			delete(r.stash, k)
		}
	}
}

// peopleStore is what assist user and assist token need of a store.
type peopleStore interface {
	shopFinder
	User(ctx context.Context, name string) (*kb.User, error)
	CreateUser(ctx context.Context, name, password string, owner bool) (*kb.User, error)
	SetOwner(ctx context.Context, userID int64, owner bool) error
	Grant(ctx context.Context, userID, shopID int64, role kb.Role) error
	CreateToken(ctx context.Context, shop int64, name string) (string, *kb.APIToken, error)
	Tokens(ctx context.Context) ([]kb.APIToken, error)
	RevokeToken(ctx context.Context, id int64) (*kb.APIToken, error)
	Close() error
}

// shopFinder finds shops by name.
type shopFinder interface {
	ShopNamed(ctx context.Context, name string) (kb.ShopInfo, error)
	Shops(ctx context.Context) ([]kb.ShopInfo, error)
}

// openPeople opens the PostgreSQL store dsn names, or the SQLite store of
// the data directory when dsn is "".
func openPeople(ctx context.Context, data, dsn string) (peopleStore, error) {
	if dsn == "" {
		return openExisting(ctx, data)
	}
	if !isPostgres(dsn) {
		return nil, kb.Errorf(kb.EInvalid, "-store %q: want a PostgreSQL DSN, postgres://user@host:5432/db", dsn)
	}
	return postgres.Open(ctx, dsn)
}
