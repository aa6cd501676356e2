package web

import (
	"context"
	"encoding/hex"

	"assist/kb"
	"assist/kb/secret"
)

// ClosingAnnouncer is a store shared by several instances that carries
// socket closings to the others (kb/postgres does, with NOTIFY). The
// revocation itself is in the store and every instance checks it on each
// request, frame and ping; the announcement closes the other instances'
// sockets at once, so a revoked panel gets no more pushes meanwhile.
type ClosingAnnouncer interface {
	AnnounceClosing(ctx context.Context, c kb.SocketClosing) error
}

// CloseSockets closes this instance's sockets that c names, with 1008 and
// c's reason, and forgets a revoked token it names. The relay calls it for
// closings announced by other instances.
func (h *Hub) CloseSockets(c kb.SocketClosing) {
	if c.Token != 0 {
		h.tokens.forget(c.Token)
	}
	if c.SessionHash == "" && c.Token == 0 {
		return
	}
	h.closeWhere(func(cl *client) bool {
		if c.Token != 0 && cl.who.Token != nil && cl.who.Token.ID == c.Token {
			return true
		}
		return c.SessionHash != "" && cl.who.sessionID != "" && sessionHash(cl.who.sessionID) == c.SessionHash
	}, c.Reason)
}

func sessionHash(id string) string { return hex.EncodeToString(secret.Hash(id)) }

// closeEverywhere closes the sockets c names here and, on a shared store,
// on every other instance. A failed announcement is logged, not returned:
// the revocation is already stored, and the other instances refuse those
// sockets at their next frame or ping.
func (s *Server) closeEverywhere(ctx context.Context, c kb.SocketClosing) {
	s.hub.CloseSockets(c)
	if a, ok := s.store.(ClosingAnnouncer); ok {
		if err := a.AnnounceClosing(context.WithoutCancel(ctx), c); err != nil {
			s.log.Warn("announce socket closing to the other instances", "err", err)
		}
	}
}
