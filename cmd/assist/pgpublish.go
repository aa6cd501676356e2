package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
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
	if t.At.IsZero() {
		t.At = time.Now() // one time for every attempt
	}
	for attempt := 1; ; attempt++ {
		sugg, data, err := d.Desk.Turn(ctx, shop, conv, t, postedBy)
		if kb.ErrorCode(err) != kb.EConflict || attempt == turnAttempts || ctx.Err() != nil {
			return sugg, data, err
		}
	}
}

// relay pushes every committed turn, whichever instance took it, to this
// instance's panels: it listens for the store's turn notices, which arrive
// in commit order, reads each turn's stored suggestion set and publishes it
// to the local hub. It runs on one goroutine, so pushes keep that order.
type relay struct {
	db   *postgres.DB
	hub  *web.Hub
	log  *slog.Logger
	last map[convKey]pushedTurn // the last turn pushed, per conversation

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

// relayForget is how long a quiet conversation's last pushed index is kept.
// A notice for it after that is pushed as it comes, without filling gaps.
const relayForget = time.Hour

// startRelay announces this instance's turns and starts pushing everyone's.
// It returns once listening, so no turn committed after is missed.
func startRelay(ctx context.Context, db *postgres.DB, hub *web.Hub, log *slog.Logger) (stop func(), err error) {
	host, _ := os.Hostname()
	db.Announce(fmt.Sprintf("%s/%d/%d", host, os.Getpid(), time.Now().UnixNano()))
	l, err := db.Listen(ctx)
	if err != nil {
		return nil, err
	}
	l.OnReconnect = func(err error) {
		log.Warn("turn notices: connection lost and opened again; a turn committed meanwhile is pushed with the next turn of its conversation", "err", err)
	}
	r := &relay{db: db, hub: hub, log: log, last: map[convKey]pushedTurn{}, swept: time.Now()}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer l.Close()
		for {
			n, err := l.Next(rctx)
			if err != nil {
				return
			}
			r.push(rctx, n)
		}
	}()
	return func() { cancel(); <-done }, nil
}

// push publishes the turn a notice names, after any turn of the same
// conversation whose notice was lost (a gap since the last one pushed), and
// never a turn twice.
func (r *relay) push(ctx context.Context, n postgres.TurnNotice) {
	now := time.Now()
	key := convKey{n.Shop, n.Conversation}
	from := n.Index
	if p, ok := r.last[key]; ok {
		if n.Index <= p.index {
			return
		}
		from = p.index + 1
	}
	for i := from; i <= n.Index; i++ {
		t, err := r.db.Turn(ctx, n.Shop, n.Conversation, i)
		if err != nil {
			r.log.Warn("push turn", "shop", n.Shop, "conversation", n.Conversation, "turn", i, "err", err)
			continue
		}
		var sugg assistant.Suggestions
		if err := json.Unmarshal(t.Suggestions, &sugg); err != nil {
			r.log.Warn("push turn: stored suggestions", "shop", n.Shop, "conversation", n.Conversation, "turn", i, "err", err)
			continue
		}
		r.hub.Publish(n.Shop, n.Conversation, &sugg, t.Suggestions)
	}
	r.last[key] = pushedTurn{index: n.Index, at: now}
	if now.Sub(r.swept) > time.Minute {
		r.swept = now
		for k, p := range r.last {
			if now.Sub(p.at) > relayForget {
				delete(r.last, k)
			}
		}
	}
}
