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
	"time"

	"assist/assistant"
	"assist/kb"
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

// serveOptions is everything assist serve is started with.
type serveOptions struct {
	data    string
	addr    string
	shop    string   // "" : the store's first shop (the demo shop in an empty store)
	origins []string // browser origins allowed besides the server's own
}

func (c *serveCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR] [-addr HOST:PORT] [-shop NAME] [-origins URL,URL]")
	var o serveOptions
	fs.StringVar(&o.data, "data", defaultDataDir, "data directory (SQLite file and index), created if missing")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free port")
	fs.StringVar(&o.shop, "shop", "", "shop to serve (default: the store's first; the demo shop in an empty store)")
	origins := fs.String("origins", "", "comma-separated browser origins allowed besides the server's own, e.g. https://desk.example.com")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, o2 := range strings.Split(*origins, ",") {
		if o2 = strings.TrimSpace(o2); o2 != "" {
			o.origins = append(o.origins, o2)
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
	db     *sqlite.DB
	engine *assistant.Engine
	web    *web.Server
	http   *http.Server
	log    *slog.Logger
	failed chan error // Serve's error, if it stops by itself

	stopCheckpoints context.CancelFunc
	checkpoints     chan struct{} // closed when the checkpointer has stopped
}

// startServer opens the store (importing the demo shop into an empty one),
// builds the engine, creates the first admin on a first start, and listens.
// It returns once the server accepts connections.
func startServer(ctx context.Context, o serveOptions, stdout, stderr io.Writer) (_ *server, err error) {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := os.MkdirAll(o.data, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := sqlite.Open(ctx, storePath(o.data))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	shopName, err := shopToServe(ctx, db, o.shop, stdout)
	if err != nil {
		return nil, err
	}
	eng, err := assistant.Load(ctx, db, shopName, indexPath(o.data))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			eng.Close()
		}
	}()
	rl := newReloader(db, eng, shopName, o.data)
	w, err := web.New(web.Config{Store: db, Engine: eng, Reload: rl.reload, Origins: o.origins, Logger: log})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		w.Close(ctx)
		return nil, err
	}
	url := "http://" + ln.Addr().String() + "/"
	if err := firstAdmin(ctx, db, url, stdout); err != nil {
		ln.Close()
		w.Close(ctx)
		return nil, err
	}
	s := &server{addr: ln.Addr().String(), db: db, engine: eng, web: w, log: log, failed: make(chan error, 1),
		http: &http.Server{
			Handler:           w,
			ReadHeaderTimeout: 5 * time.Second,
			// Read and write timeouts bound plain requests; a WebSocket
			// sets its own deadlines once hijacked.
			ReadTimeout:    30 * time.Second,
			WriteTimeout:   30 * time.Second,
			IdleTimeout:    2 * time.Minute,
			MaxHeaderBytes: 32 << 10,
			ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}}
	go func() { s.failed <- s.http.Serve(ln) }()
	// Checkpoint beside the traffic, so that no turn's commit waits for it.
	cctx, cancel := context.WithCancel(context.Background())
	s.stopCheckpoints, s.checkpoints = cancel, make(chan struct{})
	go func() {
		defer close(s.checkpoints)
		db.CheckpointEvery(cctx, 100*time.Millisecond, func(err error) { log.Warn("checkpoint", "err", err) })
	}()
	fmt.Fprintf(stdout, "assist: serving shop %q\n", shopName)
	fmt.Fprintf(stdout, "assist: listening on %s\n", url)
	return s, nil
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
	errs = append(errs, s.engine.Close(), s.db.Close())
	return errors.Join(errs...)
}

// shopToServe names the shop to serve, importing the demo shop into an
// empty store first.
func shopToServe(ctx context.Context, db *sqlite.DB, want string, stdout io.Writer) (string, error) {
	names, err := db.Shops(ctx)
	if err != nil {
		return "", err
	}
	if len(names) == 0 {
		demo, err := demoShop()
		if err != nil {
			return "", fmt.Errorf("demo shop: %w", err)
		}
		if err := db.ImportShop(ctx, demo); err != nil {
			return "", err
		}
		fmt.Fprintf(stdout, "assist: the store was empty: loaded the demo shop %q (assist import -shop FILE loads yours)\n", demo.Name)
		names = []string{demo.Name}
	}
	if want == "" {
		return names[0], nil
	}
	for _, n := range names {
		if n == want {
			return n, nil
		}
	}
	return "", kb.Errorf(kb.ENotFound, "no shop %q in %s; it holds %q", want, db.Path(), names)
}

// firstAdmin creates the admin account on a first start (no users yet) and
// prints its password this once; only its hash is stored.
func firstAdmin(ctx context.Context, db *sqlite.DB, url string, stdout io.Writer) error {
	n, err := db.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	password, err := sqlite.NewPassword()
	if err != nil {
		return err
	}
	if _, err := db.CreateUser(ctx, "admin", kb.RoleAdmin, password); err != nil {
		if kb.ErrorCode(err) == kb.EConflict { // another process got there first
			return nil
		}
		return err
	}
	fmt.Fprintf(stdout, "assist: first start: created user \"admin\" with this one-time password (shown only now):\n")
	fmt.Fprintf(stdout, "  %s\n", password)
	fmt.Fprintf(stdout, "assist: log in at %slogin; add agents with: assist user add -name NAME -role agent\n", url)
	return nil
}
