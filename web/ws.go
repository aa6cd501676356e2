package web

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"assist/kb"
)

// writeBuffers is shared by all sockets: an idle panel holds no write buffer.
var writeBuffers sync.Pool

// socketSendBuffer caps the kernel's send buffer of a socket. Left alone it
// grows to megabytes, so a panel that stopped reading would hide a long
// backlog there before its queue ever filled; a panel needs a few KiB/s.
const socketSendBuffer = 64 << 10

// capSendBuffer caps conn's send buffer at socketSendBuffer. conn is what
// the listener accepted: under assist serve a LimitedListener's wrapper,
// which passes the setting on.
func capSendBuffer(conn net.Conn) {
	if c, ok := conn.(interface{ SetWriteBuffer(int) error }); ok {
		c.SetWriteBuffer(socketSendBuffer)
	}
}

// openSocket is GET /api/v1/conversations/{id}/ws: it subscribes the caller
// to the conversation's suggestion sets and takes turns, drafts and feedback
// from it.
func (s *Server) openSocket(w http.ResponseWriter, r *http.Request, p *principal) error {
	conv := r.PathValue("id")
	if err := validConversationID(conv); err != nil {
		return err
	}
	if err := s.origins.checkSocket(r, p); err != nil {
		return err
	}
	c := newClient(s.hub, topic{p.Shop, conv}, p, s.queueLen)
	// Subscribe before the handshake ends: every turn committed after the
	// client sees 101 reaches it, queued until the writer starts.
	if s.closing.Load() || !s.hub.subscribe(c) {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: "unavailable", Reason: "server shutting down"})
		return nil
	}
	up := websocket.Upgrader{
		HandshakeTimeout:  10 * time.Second,
		ReadBufferSize:    1024,
		WriteBufferSize:   4096,
		WriteBufferPool:   &writeBuffers,
		EnableCompression: false,
		CheckOrigin:       func(r *http.Request) bool { return s.origins.checkSocket(r, p) == nil },
	}
	conn, err := up.Upgrade(w, r, nil)
	c.attach(conn)
	if err != nil {
		s.hub.unsubscribe(c)
		return nil // Upgrade has answered the request itself
	}
	capSendBuffer(conn.NetConn())
	c.start(s.socketOut)
	go s.serveSocket(c)
	return nil
}

// serveSocket reads c's frames until it closes. It runs on a goroutine of
// its own, not the handler's: once the handler returns, net/http lets go of
// the upgrade's request, headers and 8 KiB of buffers, which an open socket
// would otherwise hold for its whole life (docs/figures.md, session 26).
// Nothing here reads the request's context, which net/http cancels then.
func (s *Server) serveSocket(c *client) {
	defer s.hub.unsubscribe(c)
	defer c.drop()
	ctx := context.Background()
	c.readLoop(s.ping, func(c *client, data []byte) { s.handleFrame(ctx, c, data) })
}

// clientFrame is every field a client frame may carry; type says which
// apply.
type clientFrame struct {
	Type         string `json:"type"`
	Ref          string `json:"ref"`
	Role         string `json:"role"`
	Text         string `json:"text"`
	Product      string `json:"product"`
	At           string `json:"at"`
	Turn         *int   `json:"turn"`
	SuggestionID string `json:"suggestion_id"`
	Kind         string `json:"kind"`
	Action       string `json:"action"`
	// IdempotencyKey makes a turn or feedback frame safe to send again
	// after a lost ack, as the Idempotency-Key header does over HTTP.
	IdempotencyKey string `json:"idempotency_key"`
}

type ackFrame struct {
	Type string `json:"type"`
	Ref  string `json:"ref,omitempty"`
	For  string `json:"for"`
	Turn int    `json:"turn"`
}

// handleFrame answers one client frame. A bad frame gets an error frame; the
// connection stays open.
func (s *Server) handleFrame(ctx context.Context, c *client, data []byte) {
	var f clientFrame
	if err := decodeJSON(data, &f); err != nil {
		c.enqueue(&outFrame{data: errorFrameOf("", err)})
		return
	}
	if len(f.Ref) > maxRefLen {
		c.enqueue(&outFrame{data: errorFrame("", kb.EInvalid, "ref: at most 64 characters")})
		return
	}
	reply, err := s.answerFrame(ctx, c, &f)
	if err != nil {
		reply = errorFrameOf(f.Ref, s.logInternal(err))
	}
	c.enqueue(&outFrame{data: reply})
}

func (s *Server) answerFrame(ctx context.Context, c *client, f *clientFrame) ([]byte, error) {
	if err := s.stillAllowed(ctx, c); err != nil {
		go c.closeWith(websocket.ClosePolicyViolation, err.Error(), time.Second)
		return nil, err
	}
	switch f.Type {
	case "turn":
		if !slices.Contains(turnRoles, c.who.Role) {
			return nil, kb.Errorf(kb.EForbidden, "%s may not post turns", describe(c.who))
		}
		key, err := idempotencyKey(f.IdempotencyKey)
		if err != nil {
			return nil, err
		}
		req := turnRequest{Role: f.Role, Text: f.Text, Product: f.Product, At: f.At}
		t, err := req.turn()
		if err != nil {
			return nil, err
		}
		t = answeredBy(t, c.who)
		sugg, _, err := s.desk.TurnOnce(ctx, c.topic.shop, c.topic.conv, key, t, c.who.Name)
		if err != nil {
			return nil, err
		}
		return json.Marshal(ackFrame{Type: "ack", Ref: f.Ref, For: "turn", Turn: sugg.Turn})
	case "check":
		if !slices.Contains(panelRoles, c.who.Role) {
			return nil, kb.Errorf(kb.EForbidden, "%s may not check drafts", describe(c.who))
		}
		_, data, err := s.checkDraft(ctx, c.topic.shop, c.topic.conv, f.Text)
		if err != nil {
			return nil, err
		}
		return withType("check", f.Ref, data), nil
	case "feedback":
		if !c.who.person() {
			return nil, kb.Errorf(kb.EForbidden, "feedback needs a logged-in person, not an API token")
		}
		if f.Turn == nil {
			return nil, kb.Errorf(kb.EInvalid, "feedback: turn is required")
		}
		key, err := idempotencyKey(f.IdempotencyKey)
		if err != nil {
			return nil, err
		}
		req := eventRequest{Conversation: c.topic.conv, Turn: *f.Turn, SuggestionID: f.SuggestionID, Kind: f.Kind, Action: f.Action}
		if err := s.recordFeedback(ctx, c.topic.shop, key, req, c.who); err != nil {
			return nil, err
		}
		return json.Marshal(ackFrame{Type: "ack", Ref: f.Ref, For: "feedback", Turn: *f.Turn})
	}
	return nil, kb.Errorf(kb.EInvalid, "type %q: want turn, check or feedback", clip(f.Type))
}

// recordShown is called by a socket's writer after it sent a suggestion set
// (every suggestion in it was shown to that person) or took one back (its
// show is forgotten). Only an agent's panel counts: a manager or an admin
// watching is not serving the buyer.
func (s *Server) recordShown(c *client, f *outFrame) {
	if !c.who.person() || c.who.Role != kb.RoleAgent {
		return
	}
	switch {
	case f.shown != nil:
		s.events.add(showOf(c.topic.shop, f.shown, f.members, c.who.Name, s.now()))
	case f.retracted != nil:
		s.events.forget(c.topic.shop, f.retracted.conv, f.retracted.turn, c.who.Name)
	}
}

// stillAllowed checks a socket's caller again against the store before a
// frame is answered: a session logged out or expired, a token revoked, or a
// role removed in the shop ends the socket, even when another process did
// it. At pings, socketChecks does the same for many sockets at once.
func (s *Server) stillAllowed(ctx context.Context, c *client) error {
	who := c.who
	if who.Token != nil {
		if _, err := s.store.TokenBySecret(ctx, who.secret); err != nil {
			return kb.Errorf(kb.EUnauthorized, "API token revoked")
		}
		return nil
	}
	sess, err := s.store.Session(ctx, who.sessionID)
	if err != nil {
		return kb.Errorf(kb.EUnauthorized, "session ended: log in again")
	}
	if sess.User.RoleIn(c.topic.shop) != who.Role {
		return kb.Errorf(kb.EForbidden, "your role in this shop changed: reopen the panel")
	}
	return nil
}

// logInternal logs an internal error, whose detail the peer does not see.
func (s *Server) logInternal(err error) error {
	if kb.ErrorCode(err) == kb.EInternal {
		s.log.Error("websocket frame", "err", err)
	}
	return err
}

func errorFrameOf(ref string, err error) []byte {
	code := kb.ErrorCode(err)
	reason := err.Error()
	if code == kb.EInternal {
		reason = "internal error; see the server log"
	}
	return errorFrame(ref, code, reason)
}

func errorFrame(ref, code, reason string) []byte {
	b, _ := json.Marshal(struct {
		Type   string `json:"type"`
		Ref    string `json:"ref,omitempty"`
		Error  string `json:"error"`
		Reason string `json:"reason"`
	}{"error", ref, code, reason})
	return b
}

func jsonString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}
