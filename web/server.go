// Package web serves the agent's side panel and the integration API: HTTP
// routes, the WebSocket hub that pushes suggestions live, and the sessions and
// tokens that guard them. It decodes requests, calls the Desk (which owns
// every conversation) and the Store, and encodes answers; it holds no
// conversation state. cmd/assist wires the concrete parts.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"assist/assistant"
	"assist/assistant/cues"
	"assist/kb"
	"assist/kb/review"
)

// Desk answers turns and draft checks, one conversation at a time, in
// every shop; *assistant.Desk is one. web decodes, calls it and encodes.
type Desk interface {
	Turn(ctx context.Context, shop int64, conv string, t assistant.Turn, postedBy string) (*assistant.Suggestions, []byte, error)
	// TurnOnce is Turn under an idempotency key ("" for none).
	TurnOnce(ctx context.Context, shop int64, conv, key string, t assistant.Turn, postedBy string) (*assistant.Suggestions, []byte, error)
	Check(ctx context.Context, shop int64, conv, text string) (*assistant.Suggestions, error)
	// Knowledge is a shop's knowledge as its next turn will see it.
	Knowledge(ctx context.Context, shop int64) (*kb.Shop, error)
	// Try answers a line without recording it, with the shop's lessons that changed it.
	Try(ctx context.Context, shop int64, role assistant.Role, text, product string) (*assistant.Suggestions, []assistant.Lesson, error)
	// Categories are the lexicon's nudge categories.
	Categories() []cues.Category
	// CheckPhrase runs the panel's wording and promise checks on a phrase
	// template (for every product it fills for, or for product alone).
	CheckPhrase(ctx context.Context, shop int64, text, product string) ([]assistant.PhraseIssue, error)
}

// Store is what the server reads and writes besides turns: people, their
// sessions and tokens, conversations for the lists, events, reports and
// knowledge edits. *sqlite.DB is one.
type Store interface {
	Authenticate(ctx context.Context, name, password string) (*kb.User, error)
	CreateSession(ctx context.Context, user *kb.User, ttl time.Duration) (string, *kb.Session, error)
	Session(ctx context.Context, id string) (*kb.Session, error)
	// SessionRoles is each session's role in a shop ("" for none, or a
	// session ended): the open sockets' checks, many at once.
	SessionRoles(ctx context.Context, asks []kb.SessionShop) ([]kb.Role, error)
	DeleteSession(ctx context.Context, id string) error
	TokenBySecret(ctx context.Context, secret string) (*kb.APIToken, error)
	ShopTokens(ctx context.Context, shop int64) ([]kb.APIToken, error)
	RevokeShopToken(ctx context.Context, shop, id int64) (*kb.APIToken, error)

	CreateUser(ctx context.Context, name, password string, owner bool) (*kb.User, error)
	User(ctx context.Context, name string) (*kb.User, error)
	Grant(ctx context.Context, userID, shopID int64, role kb.Role) error
	Ungrant(ctx context.Context, userID, shopID int64) error
	Members(ctx context.Context, shopID int64) ([]kb.User, error)

	Shops(ctx context.Context) ([]kb.ShopInfo, error)
	ImportShop(ctx context.Context, shop *kb.Shop) (kb.ShopInfo, error)
	PutPhrase(ctx context.Context, shopID int64, p kb.Phrase) error

	// The admin's workspace (web/admin*.go).

	Conversations(ctx context.Context, shop int64, limit int) ([]kb.ConversationSummary, error)
	TurnPage(ctx context.Context, shop int64, conv string, before, limit int) ([]kb.StoredTurn, bool, error)
	ConversationsFor(ctx context.Context, shop int64, assignee string, limit int) ([]kb.ConversationSummary, error)
	Conversation(ctx context.Context, shop int64, id string) (*kb.ConversationSummary, error)
	Turn(ctx context.Context, shop int64, conv string, index int) (*kb.StoredTurn, error)
	AddEvents(ctx context.Context, events ...kb.Event) error
	AddShows(ctx context.Context, shows ...kb.Show) error
	AddEventOnce(ctx context.Context, key string, e kb.Event) (replayed bool, err error)
	SuggestionReport(ctx context.Context, shop int64) ([]kb.SuggestionStats, error)

	AddFlag(ctx context.Context, f *kb.Flag) (int64, error)
	Flags(ctx context.Context, shop int64, status string, limit int) ([]kb.Flag, error)
	DecideFlag(ctx context.Context, shop, id int64, d kb.FlagDecision) (*kb.Flag, error)
	PutShopCue(ctx context.Context, shop int64, c kb.ShopCue, by string) error
	DeleteShopCue(ctx context.Context, shop int64, word, category string) error

	PersonalPhrases(ctx context.Context, shop, user int64) ([]kb.PersonalPhrase, error)
	AddPersonalPhrase(ctx context.Context, p *kb.PersonalPhrase) error
	UpdatePersonalPhrase(ctx context.Context, p *kb.PersonalPhrase) error
	DeletePersonalPhrase(ctx context.Context, shop, user, id int64) error
}

// AdminStore is what the knowledge admin's workspace edits: phrase versions,
// approval, usage, products, rules, whole-knowledge uploads. Both stores
// keep it (kb/storetest holds them to one behaviour); it stays optional so
// that a store without it still serves the panel and the API, the
// workspace answering 501 with a reason.
type AdminStore interface {
	AdminPhrases(ctx context.Context, shop int64) ([]kb.AdminPhrase, error)
	ChangePhrase(ctx context.Context, shop int64, ch kb.PhraseChange) (kb.PhraseVersion, error)
	PhraseHistory(ctx context.Context, shop int64, id string) ([]kb.PhraseVersion, error)
	PhraseDrafts(ctx context.Context, shop int64) ([]kb.PhraseVersion, error)
	ApprovePhrase(ctx context.Context, shop int64, id string, n int, approver string) (kb.PhraseVersion, error)
	RejectPhrase(ctx context.Context, shop int64, id string, n int, who string) (kb.PhraseVersion, error)
	RequireApproval(ctx context.Context, shop int64) (bool, error)
	SetRequireApproval(ctx context.Context, shop int64, on bool) error
	PhraseUsage(ctx context.Context, shop int64) (map[string]kb.PhraseUsage, error)
	PutProduct(ctx context.Context, shop int64, p kb.Product) error
	PutRule(ctx context.Context, shop int64, r kb.Rule) error
	ReplaceKnowledge(ctx context.Context, shopID int64, shop *kb.Shop, author string) (kb.ShopInfo, error)
}

// ReviewStore is what the managers' review reads and the outcomes route
// writes (kb/sqlite and kb/postgres keep it). It is optional: a store
// without it serves everything else, and the review routes answer that it
// is not there.
type ReviewStore interface {
	AddOutcome(ctx context.Context, shop int64, o *kb.Outcome) (created bool, err error)
	Outcomes(ctx context.Context, shop int64, conv string) ([]kb.Outcome, error)
	ConversationEvents(ctx context.Context, shop int64, conv string) ([]kb.Event, error)
	ConversationShows(ctx context.Context, shop int64, conv string) ([]kb.Show, error)
	RefreshReviewFor(ctx context.Context, shop int64, budget time.Duration) (int, error)
	ReviewPending(ctx context.Context, shop int64) (int, error)
	ReviewAgents(ctx context.Context, shop int64, f review.Filter) ([]review.AgentRow, error)
	ReviewAgentNames(ctx context.Context, shop int64) ([]string, error)
	ReviewConversations(ctx context.Context, shop int64, f review.Filter, week, figure string, limit int) ([]review.ConversationRow, error)
	ReviewSuggestions(ctx context.Context, shop int64, f review.Filter) ([]review.SuggestionRow, []review.TrendPoint, error)
}

// Config is what a Server is built from. Store, Desk and Hub are required;
// the Hub is the Desk's publisher too, so pushes reach the sockets.
type Config struct {
	Store Store
	Desk  Desk
	Hub   *Hub
	// Origins are the browser origins besides the server's own allowed to
	// open WebSockets and post with a session, exactly "scheme://host[:port]".
	Origins []string
	// TrustedProxies are the reverse proxies (addresses or CIDR prefixes)
	// whose X-Forwarded-For names the caller; see ParseProxies.
	TrustedProxies []string
	// LoginHashers is how many password checks may run at once; 0: a
	// quarter of the cores, at least 1.
	LoginHashers int
	Logger       *slog.Logger
	Now          func() time.Time // nil: time.Now

	SessionTTL   time.Duration // 0: 12 hours
	PingInterval time.Duration // 0: 30 seconds; a peer silent for twice this is dropped
	SendQueue    int           // frames queued per socket before it is dropped; 0: 64
	EventFlush   time.Duration // how often shown events are written; 0: 200 ms
	// ReviewRefresh is how long a review page may spend bringing the
	// rollups up to date before it answers; 0: 150 ms.
	ReviewRefresh time.Duration
}

// Server is the HTTP handler of assist serve.
type Server struct {
	store   Store
	review  ReviewStore // nil when the store keeps no review
	admin   AdminStore  // nil when the store keeps no versions
	desk    Desk
	origins originPolicy
	log     *slog.Logger
	now     func() time.Time

	sessionTTL    time.Duration
	ping          time.Duration
	queueLen      int
	socketOut     *socketOut
	reviewRefresh time.Duration

	mux      *http.ServeMux
	patterns []string // every API route, for the tests that must cover them all
	pages    fs.FS
	hub      *Hub
	// tokens is the hub's token cache, or nil on a store shared by several
	// instances, where a token revoked on one must be refused by the next
	// request on any other, before the announcement arrives.
	tokens  *tokenCache
	events  *recorder
	checks  *socketChecks
	closing atomic.Bool
	logins  *loginThrottle
	gate    *loginGate
	proxies proxies
}

// New builds the server and starts its event writer and its sockets'
// checker; Close stops them.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Desk == nil || cfg.Hub == nil {
		return nil, errors.New("web: a store, a desk and a hub are required")
	}
	origins, err := newOriginPolicy(cfg.Origins)
	if err != nil {
		return nil, err
	}
	proxies, err := ParseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	review, _ := cfg.Store.(ReviewStore)
	admin, _ := cfg.Store.(AdminStore)
	counts, _ := cfg.Store.(LoginThrottleStore)
	s := &Server{store: cfg.Store, review: review, admin: admin, desk: cfg.Desk, hub: cfg.Hub, origins: origins, log: cfg.Logger, now: cfg.Now,
		sessionTTL: cfg.SessionTTL, ping: cfg.PingInterval, queueLen: cfg.SendQueue, reviewRefresh: cfg.ReviewRefresh, logins: newLoginThrottle(counts),
		gate: newLoginGate(cfg.LoginHashers), proxies: proxies}
	if _, shared := cfg.Store.(ClosingAnnouncer); !shared {
		s.tokens = cfg.Hub.tokens
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
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
	if s.reviewRefresh <= 0 {
		s.reviewRefresh = reviewRefreshBudget
	}
	if s.pages, err = staticFiles(); err != nil {
		return nil, err
	}
	s.events = newRecorder(cfg.Store, s.log, cfg.EventFlush)
	s.checks = newSocketChecks(cfg.Store, cfg.Hub, s.log, s.ping)
	s.socketOut = &socketOut{ping: s.ping, now: s.now, record: s.recordShown, pinged: s.checks.ask}
	s.mux = http.NewServeMux()
	s.routes()
	return s, nil
}

// Who may do what, in the shop a route addresses. People log in and hold a
// role per shop; roleToken is a platform integration of that shop.
var (
	members      = []kb.Role{kb.RoleAgent, kb.RoleAdmin, kb.RoleManager}
	panelRoles   = []kb.Role{kb.RoleAgent, kb.RoleAdmin}
	turnRoles    = []kb.Role{kb.RoleAgent, kb.RoleAdmin, roleToken}
	socketRoles  = []kb.Role{kb.RoleAgent, kb.RoleAdmin, kb.RoleManager, roleToken}
	reportRoles  = []kb.Role{kb.RoleManager, kb.RoleAdmin}
	outcomeRoles = []kb.Role{roleToken, kb.RoleAdmin}
)

// shopAPI is the prefix of every route that belongs to one shop.
const shopAPI = "/api/v1/shops/{shop}"

// Every route names who may call it; a route not listed here does not
// exist, and a caller whose role is not listed is refused.
func (s *Server) routes() {
	s.handle("POST /api/v1/login", s.login, public)
	s.handle("POST /api/v1/logout", s.logout, person)
	s.handle("GET /api/v1/me", s.me, person)

	s.handle("GET /api/v1/shops", s.listShops, roleOwner)
	s.handle("POST /api/v1/shops", s.createShop, roleOwner)
	s.handle("PUT /api/v1/shops/{shop}/members/{name}", s.putMember, roleOwner, kb.RoleAdmin)
	s.handle("DELETE /api/v1/shops/{shop}/members/{name}", s.deleteMember, roleOwner, kb.RoleAdmin)
	s.handle("GET /api/v1/shops/{shop}/members", s.listMembers, kb.RoleAdmin)
	s.handle("GET "+shopAPI+"/tokens", s.listTokens, kb.RoleAdmin)
	s.handle("DELETE "+shopAPI+"/tokens/{id}", s.revokeToken, kb.RoleAdmin)

	s.handle("POST "+shopAPI+"/conversations/{id}/turns", s.postTurn, turnRoles...)
	s.handle("GET "+shopAPI+"/conversations", s.listConversations, members...)
	s.handle("GET "+shopAPI+"/conversations/{id}", s.getConversation, members...)
	s.handle("GET "+shopAPI+"/conversations/{id}/ws", s.openSocket, socketRoles...)
	s.handle("POST "+shopAPI+"/check", s.check, panelRoles...)
	s.handle("POST "+shopAPI+"/events", s.postEvent, members...)
	s.handle("GET "+shopAPI+"/products", s.listProducts, members...)
	s.handle("GET "+shopAPI+"/phrases", s.searchPhrases, panelRoles...)
	s.handle("GET "+shopAPI+"/phrases/mine", s.listPersonal, panelRoles...)
	s.handle("POST "+shopAPI+"/phrases/mine", s.addPersonal, panelRoles...)
	s.handle("PUT "+shopAPI+"/phrases/mine/{id}", s.putPersonal, panelRoles...)
	s.handle("DELETE "+shopAPI+"/phrases/mine/{id}", s.deletePersonal, panelRoles...)

	s.adminRoutes()
	s.handle("GET "+shopAPI+"/reports/suggestions", s.suggestionReport, reportRoles...)
	s.handle("POST "+shopAPI+"/outcomes", s.postOutcome, outcomeRoles...)
	s.handle("GET "+shopAPI+"/review/suggestions", s.reviewSuggestions, reportRoles...)
	s.handle("GET "+shopAPI+"/review/agents", s.reviewAgents, reportRoles...)
	s.handle("GET "+shopAPI+"/review/conversations", s.reviewConversations, reportRoles...)
	s.handle("GET "+shopAPI+"/review/conversations/{id}", s.reviewConversation, reportRoles...)

	s.handle("GET "+shopAPI+"/categories", s.listCategories, members...)
	s.handle("POST "+shopAPI+"/flags", s.postFlag, panelRoles...)
	s.handle("GET "+shopAPI+"/admin/flags", s.listFlags, kb.RoleAdmin)
	s.handle("POST "+shopAPI+"/admin/flags/{flag}", s.decideFlag, kb.RoleAdmin)
	s.handle("GET "+shopAPI+"/admin/cues", s.listCues, kb.RoleAdmin)
	s.handle("PUT "+shopAPI+"/admin/cues", s.putCue, kb.RoleAdmin)
	s.handle("DELETE "+shopAPI+"/admin/cues", s.deleteCue, kb.RoleAdmin)
	s.handle("POST "+shopAPI+"/admin/try", s.tryLine, kb.RoleAdmin)

	s.mux.HandleFunc("GET /{$}", s.page("panel.html", true))
	s.mux.HandleFunc("GET /demo", s.page("demo.html", true))
	s.mux.HandleFunc("GET /login", s.page("login.html", false))
	s.mux.HandleFunc("GET /owner", s.page("owner.html", true))
	s.mux.HandleFunc("GET /learn", s.page("learn.html", true))
	s.mux.HandleFunc("GET /review", s.page("review.html", true))
	s.mux.HandleFunc("GET /admin", s.page("admin.html", true))
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
	s.checks.close()
	return s.events.close(ctx)
}

// FlushEvents writes the shows buffered so far.
func (s *Server) FlushEvents(ctx context.Context) error { return s.events.flush(ctx) }

// Sockets is the number of open WebSockets.
func (s *Server) Sockets() int { return s.hub.count() }

// reviewStore is the store's review, or a 501 a person can act on.
func (s *Server) reviewStore() (ReviewStore, error) {
	if s.review == nil {
		return nil, kb.Errorf(kb.ENotImplemented, "这个存储不支持主管复盘与结果回传,请用 SQLite 或 PostgreSQL 存储 (this store keeps no review or outcomes)")
	}
	return s.review, nil
}
