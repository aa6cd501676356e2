package web

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"assist/kb"
)

// maxCheckGather is how long the checker collects the sockets that pinged
// before it asks the store about all of them at once (a quarter of the ping
// interval when that is shorter). A socket whose caller lost the right to
// it is closed this much later; nothing waits for the check meanwhile.
const maxCheckGather = 100 * time.Millisecond

// checkStore is what the checks read: the sessions' roles, a few hundred a
// query, and tokens.
type checkStore interface {
	SessionRoles(ctx context.Context, asks []kb.SessionShop) ([]kb.Role, error)
	TokenBySecret(ctx context.Context, secret string) (*kb.APIToken, error)
}

// socketChecks checks the callers of open sockets again, each at its ping:
// a session logged out or expired, a role changed or a token revoked, even
// by another process, ends the socket. The sockets that pinged in the same
// moment are checked together, by one query: asked one socket at a time, the
// store read the same pages again for each (a turn's commit empties a SQLite
// reader's page cache), and 10,000 panels' checks took a tenth of a busy
// server's CPU (docs/figures.md).
type socketChecks struct {
	store  checkStore
	hub    *Hub
	log    *slog.Logger
	gather time.Duration

	mu      sync.Mutex
	pending []*client
	wake    chan struct{} // one slot: something is pending

	ctx  context.Context    // the store's queries; cancelled by close
	stop context.CancelFunc // safe to call twice, and at once
	done chan struct{}
}

func newSocketChecks(store checkStore, hub *Hub, log *slog.Logger, ping time.Duration) *socketChecks {
	ctx, stop := context.WithCancel(context.Background())
	c := &socketChecks{store: store, hub: hub, log: log, gather: min(maxCheckGather, ping/4),
		wake: make(chan struct{}, 1), ctx: ctx, stop: stop, done: make(chan struct{})}
	go c.run()
	return c
}

// ask queues cl for the next check, without waiting; a socket already
// queued is queued once.
func (c *socketChecks) ask(cl *client) {
	if cl.checkAsked.Swap(true) {
		return
	}
	c.mu.Lock()
	c.pending = append(c.pending, cl)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// close stops the checker, a check under way cancelled; the checks still
// pending are dropped (the sockets are being closed too).
func (c *socketChecks) close() {
	c.stop()
	<-c.done
}

func (c *socketChecks) run() {
	defer close(c.done)
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.wake:
		}
		select {
		case <-c.ctx.Done():
			return
		case <-time.After(c.gather):
		}
		c.mu.Lock()
		batch := c.pending
		c.pending = nil
		c.mu.Unlock()
		for _, cl := range batch {
			cl.checkAsked.Store(false)
		}
		c.check(c.ctx, batch)
	}
}

// check checks batch and closes the sockets whose caller may no longer hold
// them. A store that cannot answer closes nothing: those sockets are asked
// again at their next ping.
func (c *socketChecks) check(ctx context.Context, batch []*client) {
	var asks []kb.SessionShop
	at := map[kb.SessionShop]int{}
	tokens := map[string]error{}
	open := batch[:0]
	for _, cl := range batch {
		select {
		case <-cl.done: // closed since it pinged
			continue
		default:
		}
		open = append(open, cl)
		if cl.who.Token != nil {
			tokens[cl.who.secret] = nil
			continue
		}
		ask := kb.SessionShop{Session: cl.who.sessionID, Shop: cl.topic.shop}
		if _, ok := at[ask]; !ok {
			at[ask] = len(asks)
			asks = append(asks, ask)
		}
	}
	var roles []kb.Role
	if len(asks) > 0 {
		var err error
		roles, err = c.store.SessionRoles(ctx, asks)
		if err == nil && len(roles) != len(asks) {
			err = fmt.Errorf("%d roles for %d sessions asked", len(roles), len(asks))
		}
		if err != nil {
			if ctx.Err() == nil {
				c.log.Error("checking open sockets' sessions", "sockets", len(asks), "err", err)
			}
			roles = nil
		}
	}
	for secret := range tokens {
		_, err := c.store.TokenBySecret(ctx, secret)
		if err != nil && kb.ErrorCode(err) != kb.EUnauthorized {
			if ctx.Err() == nil {
				c.log.Error("checking an open socket's token", "err", err)
			}
			err = nil // unknown: asked again at the next ping
		}
		tokens[secret] = err
	}
	for _, cl := range open {
		var reason string
		switch {
		case cl.who.Token != nil:
			if tokens[cl.who.secret] != nil {
				reason = "API token revoked"
			}
		case roles != nil:
			role := roles[at[kb.SessionShop{Session: cl.who.sessionID, Shop: cl.topic.shop}]]
			if role == "" {
				reason = "session ended or no longer a member of this shop: log in again"
			} else if role != cl.who.Role {
				reason = "your role in this shop changed: reopen the panel"
			}
		}
		if reason != "" {
			c.hub.unsubscribe(cl)
			go cl.closeWith(websocket.ClosePolicyViolation, reason, time.Second)
		}
	}
}
