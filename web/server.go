// Package web serves the agent's side panel and the integration API: HTTP
// routes, the WebSocket hub that pushes suggestions live, and the sessions and
// tokens that guard them. It adapts the store (kb/sqlite) and the engine
// (assistant) to HTTP; cmd/assist wires the concrete parts.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/sqlite"
)

// Engine is the conversation engine the server drives; *assistant.Engine is
// one.
type Engine interface {
	Turn(conv string, t assistant.Turn) (*assistant.Suggestions, error)
	Check(conv string, text string, at time.Time) (*assistant.Suggestions, error)
	Replay(conv string, turns []assistant.Turn)
	Forget(conv string)
	Shop() *kb.Shop
}

// Config is what a Server is built from. Store and Engine are required.
type Config struct {
	Store  *sqlite.DB
	Engine Engine
	// Reload rebuilds the engine's knowledge from the store after an admin
	// edited it; nil makes admin edits fail.
	Reload func(ctx context.Context) error
	// Origins are the browser origins besides the server's own allowed to
	// open WebSockets and post with a session, exactly "scheme://host[:port]".
	Origins []string
	Logger  *slog.Logger

	SessionTTL   time.Duration // 0: 12 hours
	PingInterval time.Duration // 0: 30 seconds; a peer silent for twice this is dropped
	SendQueue    int           // frames queued per socket before it is dropped; 0: 64
	EventFlush   time.Duration // how often shown events are written; 0: 200 ms
}

// Server is the HTTP handler of assist serve.
type Server struct {
	store   *sqlite.DB
	engine  Engine
	reload  func(ctx context.Context) error
	origins originPolicy
	log     *slog.Logger

	sessionTTL time.Duration
	ping       time.Duration
	queueLen   int

	mux     *http.ServeMux
	pages   fs.FS
	hub     *hub
	convs   *conversations
	events  *recorder
	closing atomic.Bool
	logins  *loginThrottle
	edits   sync.Mutex // one phrase edit and engine reload at a time
	// writes serialises the frequent store writes (turns, events) in
	// process, in arrival order. SQLite's busy handler retries in growing
	// sleeps (1, 2, 5, 10 ms …); this lock hands over at once, so a turn
	// waits for at most one chunk of events.
	writes fifoLock
}

// New builds the server and starts its event writer; Close stops it.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Engine == nil {
		return nil, errors.New("web: a store and an engine are required")
	}
	origins, err := newOriginPolicy(cfg.Origins)
	if err != nil {
		return nil, err
	}
	s := &Server{store: cfg.Store, engine: cfg.Engine, reload: cfg.Reload, origins: origins, log: cfg.Logger,
		sessionTTL: cfg.SessionTTL, ping: cfg.PingInterval, queueLen: cfg.SendQueue, logins: newLoginThrottle()}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.sessionTTL <= 0 {
		s.sessionTTL = 12 * time.Hour
	}
	if s.ping <= 0 {
		s.ping = 30 * time.Second
	}
	if s.queueLen <= 0 {
		s.queueLen = 64
	}
	if s.pages, err = staticFiles(); err != nil {
		return nil, err
	}
	s.writes = newFIFOLock()
	s.hub = newHub()
	s.convs = newConversations()
	s.events = newRecorder(cfg.Store, s.writes, s.log, cfg.EventFlush)
	s.mux = http.NewServeMux()
	s.routes()
	return s, nil
}

// Who may do what. People log in; roleToken is a platform integration.
var (
	people      = []kb.Role{kb.RoleAgent, kb.RoleAdmin, kb.RoleManager}
	panelRoles  = []kb.Role{kb.RoleAgent, kb.RoleAdmin}
	turnRoles   = []kb.Role{kb.RoleAgent, kb.RoleAdmin, roleToken}
	socketRoles = []kb.Role{kb.RoleAgent, kb.RoleAdmin, kb.RoleManager, roleToken}
	reportRoles = []kb.Role{kb.RoleManager, kb.RoleAdmin}
)

// Every route names who may call it; a route not listed here does not
// exist, and a caller whose role is not listed is refused.
func (s *Server) routes() {
	s.handle("POST /api/v1/login", s.login, public)
	s.handle("POST /api/v1/logout", s.logout, people...)
	s.handle("GET /api/v1/me", s.me, people...)

	s.handle("POST /api/v1/conversations/{id}/turns", s.postTurn, turnRoles...)
	s.handle("GET /api/v1/conversations", s.listConversations, people...)
	s.handle("GET /api/v1/conversations/{id}", s.getConversation, people...)
	s.handle("GET /api/v1/conversations/{id}/ws", s.openSocket, socketRoles...)
	s.handle("POST /api/v1/check", s.check, panelRoles...)
	s.handle("POST /api/v1/events", s.postEvent, people...)
	s.handle("GET /api/v1/products", s.listProducts, people...)

	s.handle("GET /api/v1/admin/phrases", s.listPhrases, kb.RoleAdmin)
	s.handle("PUT /api/v1/admin/phrases/{id}", s.putPhrase, kb.RoleAdmin)
	s.handle("POST /api/v1/admin/users", s.addUser, kb.RoleAdmin)
	s.handle("GET /api/v1/reports/suggestions", s.suggestionReport, reportRoles...)

	s.mux.HandleFunc("GET /{$}", s.page("panel.html", true))
	s.mux.HandleFunc("GET /demo", s.page("demo.html", true))
	s.mux.HandleFunc("GET /login", s.page("login.html", false))
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(s.pages)))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.log, kb.Errorf(kb.ENotFound, "no route %s %s", r.Method, r.URL.Path))
	})
}

// ServeHTTP answers every request with the security headers set.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	s.mux.ServeHTTP(w, r)
}

// Close ends live traffic on shutdown: it refuses new sockets, closes every
// open one with 1001 (going away) and writes the events still buffered.
// http.Server.Shutdown does not close hijacked connections; call both.
func (s *Server) Close(ctx context.Context) error {
	s.closing.Store(true)
	s.hub.closeAll(ctx)
	return s.events.close(ctx)
}

// FlushEvents writes the shown events buffered so far.
func (s *Server) FlushEvents(ctx context.Context) error { return s.events.flush(ctx) }

// Sockets is the number of open WebSockets.
func (s *Server) Sockets() int { return s.hub.count() }
