package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"assist/assistant"
	"assist/assistant/classify"
	"assist/kb"
	"assist/kb/index"
	"assist/kb/postgres"
	"assist/kb/segment"
	"assist/kb/sqlite"
	"assist/web"
)

func init() { register(&serveCmd{}) }

// serveCmd runs the agents' panel and the integration API.
type serveCmd struct{}

func (*serveCmd) Name() string { return "serve" }
func (*serveCmd) Synopsis() string {
	return "serve the agents' side panel and the integration API (HTTP + WebSocket)"
}

// warmShops is how many shops are loaded at start, before their first turn.
const warmShops = 8

// serveOptions is everything assist serve is started with.
type serveOptions struct {
	data    string
	store   string // "": SQLite in data; postgres://…: PostgreSQL, shared by every instance
	addr    string
	origins []string // browser origins allowed besides the server's own
	proxies []string // reverse proxies whose X-Forwarded-For is believed
	// Connection caps (web.Limits); 0: none, as for assist bench.
	maxConns, maxConnsPerAddr, maxHeld int
}

func (c *serveCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR] [-store postgres://…] [-addr HOST:PORT] [-origins URL,URL] [-trusted-proxy IP,CIDR] "+
		"[-max-conns N] [-max-conns-per-addr N] [-demo-data]")
	var o serveOptions
	fs.StringVar(&o.data, "data", defaultDataDir, "data directory (SQLite file and index), created if missing")
	fs.StringVar(&o.store, "store", "", "PostgreSQL DSN (postgres://user@host/db) shared by several instances; default: SQLite in -data")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free port")
	origins := fs.String("origins", "", "comma-separated browser origins allowed besides the server's own, e.g. https://desk.example.com")
	proxies := fs.String("trusted-proxy", "", "comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For names the caller, e.g. 10.0.0.5")
	maxConns, perAddr, held := connectionCaps()
	o.maxHeld = held
	fs.IntVar(&o.maxConns, "max-conns", maxConns, "connections held at once; more are answered 503 (default: 3/4 of the open-file limit)")
	fs.IntVar(&o.maxConnsPerAddr, "max-conns-per-addr", perAddr, "connections one address may hold; more are answered 429 (trusted proxies are exempt)")
	demo := fs.Bool("demo-data", false, "on a first start (no store yet in -data), play a simulated week into the demo shop first, so every page has something to show")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	o.origins, o.proxies = splitList(*origins), splitList(*proxies)
	// The dictionary built on the first start is read back on later ones
	// (kb/segment/kept.go): most of what a first turn waited for.
	segment.KeepDictionaryIn(segment.CacheDir())
	if _, err := os.Stat(storePath(o.data)); *demo && o.store == "" && errors.Is(err, os.ErrNotExist) {
		if err := firstStartWithDemo(ctx, o, stdout, stderr); err != nil {
			return err
		}
	}
	srv, err := startServer(ctx, o, stdout, stderr)
	if err != nil {
		return err
	}
	return srv.wait(ctx)
}

// server is a running assist serve.
type server struct {
	addr   string // the address it listens on, port resolved
	db     serveStore
	desk   *assistant.Desk
	web    *web.Server
	http   *http.Server
	log    *slog.Logger
	failed chan error // Serve's error, if it stops by itself

	stopWarming     context.CancelFunc
	warmed          chan struct{} // closed once the shops loaded at start are in, or warming stopped
	stopCheckpoints context.CancelFunc
	checkpoints     chan struct{} // closed when the checkpointer has stopped
	stopRelay       func()        // PostgreSQL: stops pushing other instances' turns
}

// serveStore is what assist serve needs of its store: *sqlite.DB or
// *postgres.DB.
type serveStore interface {
	web.Store
	assistant.TurnLog
	assistant.Library
	CountUsers(ctx context.Context) (int, error)
	CreateSession(ctx context.Context, user *kb.User, ttl time.Duration) (string, *kb.Session, error)
	CreateToken(ctx context.Context, shop int64, name string) (string, *kb.APIToken, error)
	Close() error
}

// openStore opens the store o names: SQLite in the data directory unless
// -store names a PostgreSQL database.
func openStore(ctx context.Context, o serveOptions) (serveStore, error) {
	if o.store == "" {
		return sqlite.Open(ctx, storePath(o.data))
	}
	if !isPostgres(o.store) {
		return nil, kb.Errorf(kb.EInvalid, "-store %q: want a PostgreSQL DSN, postgres://user@host:5432/db", o.store)
	}
	return postgres.Open(ctx, o.store)
}

// startServer opens the store (importing the demo shop into an empty one),
// builds the engine, creates the first admin on a first start, and listens.
// It returns once the server accepts connections.
func startServer(ctx context.Context, o serveOptions, stdout, stderr io.Writer) (_ *server, err error) {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := os.MkdirAll(o.data, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := openStore(ctx, o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	if _, ok := db.(*sqlite.DB); ok {
		spareProcessorForSQLite()
	}
	shops, err := ensureShop(ctx, db, stdout)
	if err != nil {
		return nil, err
	}
	// Every shop of the store is served; each loads on its first turn.
	hub := web.NewHub()
	// With PostgreSQL, every push, this instance's turns included, goes
	// through the relay, in the order the turns committed; the index stays
	// on this instance's disk.
	var publisher assistant.Publisher = hub
	pg, shared := db.(*postgres.DB)
	var rl *relay
	stopRelay := func() {}
	if shared {
		if rl, stopRelay, err = startRelay(ctx, pg, hub, log); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				stopRelay()
			}
		}()
		publisher = rl
	}
	desk, err := assistant.NewDesk(assistant.DeskConfig{Log: db, Library: db, Publisher: publisher,
		Indexer: index.Dirs{Root: indexPath(o.data)}, AfterCommit: web.NewUsageRecorder(db, log).AfterCommit})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			desk.Close()
		}
	}()
	var webDesk web.Desk = desk
	if shared {
		webDesk = retryDesk{desk}
	}
	w, err := web.New(web.Config{Store: db, Desk: webDesk, Hub: hub, Origins: o.origins, TrustedProxies: o.proxies,
		Logger: log, Now: time.Now})
	if err != nil {
		return nil, err
	}
	tcp, err := net.Listen("tcp", o.addr)
	if err != nil {
		w.Close(ctx)
		return nil, err
	}
	ln, err := web.LimitListener(tcp, web.Limits{MaxConns: o.maxConns, MaxConnsPerAddr: o.maxConnsPerAddr,
		MaxHeld: o.maxHeld, TrustedProxies: o.proxies})
	if err != nil {
		tcp.Close()
		w.Close(ctx)
		return nil, err
	}
	url := "http://" + ln.Addr().String() + "/"
	if err := firstAdmin(ctx, db, shops[0], url, stdout); err != nil {
		ln.Close()
		w.Close(ctx)
		return nil, err
	}
	s := &server{addr: ln.Addr().String(), db: db, desk: desk, web: w, log: log, failed: make(chan error, 1), stopRelay: stopRelay,
		http: &http.Server{
			Handler:           w,
			ReadHeaderTimeout: 5 * time.Second,
			// Read and write timeouts bound plain requests; a WebSocket
			// sets its own deadlines once hijacked.
			ReadTimeout:    30 * time.Second,
			WriteTimeout:   30 * time.Second,
			IdleTimeout:    serverIdleTimeout,
			MaxHeaderBytes: 32 << 10,
			ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}}
	go func() { s.failed <- s.http.Serve(ln) }()
	// Load the first shops beside the traffic, so their first turns do not
	// wait for an index build; the rest load on their first turn.
	wctx, stopWarming := context.WithCancel(context.Background())
	s.stopWarming, s.warmed = stopWarming, make(chan struct{})
	go func() {
		defer close(s.warmed)
		warm := shops[:min(len(shops), warmShops)]
		// The dictionary loads once, with these shops' words weighed in:
		// their first turns wait for that one load, nothing more.
		segment.Preload(vocabulary(wctx, db, warm, log))
		classify.Default() // the nudge model (trained at build time) is read meanwhile
		for _, sh := range warm {
			if wctx.Err() != nil { // shutting down: the rest load on demand next time
				return
			}
			if _, err := desk.Knowledge(wctx, sh.ID); err != nil && wctx.Err() == nil {
				log.Warn("load shop", "shop", sh.Name, "err", err)
			}
		}
		// Then the dictionary's second copy, so that a word an admin
		// teaches later (a new tag) does not wait for a whole load.
		if wctx.Err() == nil {
			segment.LoadStandby()
		}
	}()
	// Checkpoint beside the traffic, so that no turn's commit waits for it.
	cctx, cancel := context.WithCancel(context.Background())
	s.stopCheckpoints, s.checkpoints = cancel, make(chan struct{})
	go func() {
		defer close(s.checkpoints)
		review := make(chan struct{}) // the review's rollups are refreshed beside the traffic too
		go func() {
			defer close(review)
			if r, ok := db.(interface {
				RefreshReviewEvery(context.Context, time.Duration, func(error))
			}); ok {
				r.RefreshReviewEvery(cctx, 30*time.Second, func(err error) { log.Warn("review refresh", "err", err) })
			}
		}()
		if sdb, ok := db.(*sqlite.DB); ok { // PostgreSQL checkpoints by itself
			sdb.CheckpointEvery(cctx, 100*time.Millisecond, func(err error) { log.Warn("checkpoint", "err", err) })
		}
		<-review
	}()
	for _, sh := range shops {
		fmt.Fprintf(stdout, "assist: serving shop %q (id %d)\n", sh.Name, sh.ID)
	}
	fmt.Fprintf(stdout, "assist: listening on %s\n", url)
	return s, nil
}

// vocabulary is the words of shops that the index teaches the segmenter.
func vocabulary(ctx context.Context, db serveStore, shops []kb.ShopInfo, log *slog.Logger) []string {
	var words []string
	for _, sh := range shops {
		k, _, err := db.ShopByID(ctx, sh.ID)
		if err != nil {
			log.Warn("read shop", "shop", sh.Name, "err", err)
			continue
		}
		words = append(words, index.Vocabulary(k)...)
	}
	return words
}

// wait serves until ctx ends (SIGINT, SIGTERM) or the server fails, then
// shuts down.
func (s *server) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
	case err := <-s.failed:
		s.shutdown(context.Background())
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return s.shutdown(sctx)
}

// shutdown closes every WebSocket with 1001 (http.Server.Shutdown leaves
// hijacked connections alone), lets requests in flight finish, writes the
// events still buffered and closes the store.
func (s *server) shutdown(ctx context.Context) error {
	errs := []error{s.web.Close(ctx)}
	if err := s.http.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("shutdown: %w", err))
	}
	errs = append(errs, s.web.FlushEvents(ctx))
	s.stopCheckpoints()
	<-s.checkpoints
	s.stopWarming() // a shop being indexed finishes; no other starts
	s.stopRelay()
	<-s.warmed
	errs = append(errs, s.desk.Close(), s.db.Close())
	return errors.Join(errs...)
}

// ensureShop lists the store's shops, importing the demo shop into an empty
// store first.
func ensureShop(ctx context.Context, db serveStore, stdout io.Writer) ([]kb.ShopInfo, error) {
	shops, err := db.Shops(ctx)
	if err != nil || len(shops) > 0 {
		return shops, err
	}
	demo, err := demoShop()
	if err != nil {
		return nil, fmt.Errorf("demo shop: %w", err)
	}
	info, err := db.ImportShop(ctx, demo)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "assist: the store was empty: loaded the demo shop %q (assist import -shop FILE adds yours)\n", demo.Name)
	return []kb.ShopInfo{info}, nil
}

// firstAdmin creates the admin account on a first start (no users yet) and
// prints its password this once; only its hash is stored.
func firstAdmin(ctx context.Context, db serveStore, shop kb.ShopInfo, url string, stdout io.Writer) error {
	n, err := db.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	password, err := kb.NewPassword()
	if err != nil {
		return err
	}
	u, err := db.CreateUser(ctx, "admin", password, true)
	if err != nil {
		if kb.ErrorCode(err) == kb.EConflict { // another process got there first
			return nil
		}
		return err
	}
	if err := db.Grant(ctx, u.ID, shop.ID, kb.RoleAdmin); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "assist: first start: created user \"admin\" with this one-time password (shown only now):\n")
	fmt.Fprintf(stdout, "  %s\n", password)
	where := url + "login"
	if url == "" {
		where = "/login on the address below"
	}
	fmt.Fprintf(stdout, "assist: log in at %s (an owner, and admin of %q); add agents with: assist user add -name NAME -shop SHOP -role agent\n", where, shop.Name)
	return nil
}

// splitList reads a comma-separated flag.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// serverIdleTimeout is how long the server keeps a client's idle
// connection open. A client should close its own sooner: a request sent as
// the server closes the connection fails, and a POST without an
// Idempotency-Key is not sent again.
const serverIdleTimeout = 2 * time.Minute

// connectionCaps are the default caps: three quarters of the open-file
// limit (Go raises the soft limit to the hard one at start) served, a
// quarter of that but at most 1000 from one address, and all but 48 files
// held (refused callers that have not hung up yet use the rest); the 48
// are for the store and the index.
func connectionCaps() (served, perAddr, held int) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<20 {
		rl.Cur = 1 << 20
	}
	limit := int(rl.Cur)
	served = max(16, limit*3/4)
	return served, min(1000, max(4, served/4)), max(served, limit-48)
}

// firstStartWithDemo makes a new data directory as a first start does (the
// demo shop, the owner "admin" and their one-time password), then plays the
// demo week into it, before the server starts on it.
func firstStartWithDemo(ctx context.Context, o serveOptions, stdout, stderr io.Writer) error {
	db, err := sqlite.Open(ctx, storePath(o.data))
	if err != nil {
		return err
	}
	shops, err := ensureShop(ctx, db, stdout)
	if err == nil {
		err = firstAdmin(ctx, db, shops[0], "", stdout) // the address is printed once the server listens
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := (&demoDataCmd{}).Run(ctx, []string{"-data", o.data}, stdout, stderr); err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	return nil
}
