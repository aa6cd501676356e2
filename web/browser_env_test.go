package web_test

// Helpers of the browser tests: the real server over a temporary store, a
// headless Chromium, and waiting, screenshots and console checks.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assist/assistant"
	"assist/kb"
	"assist/kb/bundle"
	"assist/kb/index"
	"assist/kb/sqlite"
	"assist/web"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// The built-in demo shop `assist serve` loads into an empty store.
	demoBundle = "../cmd/assist/demo/shop.json"
	// otherBundle is a second shop of another trade.
	otherBundle = "../testdata/shops/phone-accessories/shop.json"
	// Where CI keeps the panel's screenshot (git-ignored).
	artifactDir = "../testdata/artifacts"
)

// login signs the agent in through the login page, arriving at path.
func login(t *testing.T, ctx context.Context, app *app, path string) {
	t.Helper()
	do(t, ctx, "log in",
		chromedp.Navigate(app.url+path),
		chromedp.WaitVisible(chromedp.CSS(`form#login`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), app.agent),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), app.password),
		chromedp.Click(chromedp.CSS(`form#login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .conn[data-state="open"]`)))
}

// postTurn posts a turn as a chat platform does.
func postTurn(t *testing.T, base, token string, shop int64, conversation, body string) {
	t.Helper()
	if status, msg := postTurnStatus(t, base, token, shop, conversation, body); status != http.StatusOK {
		t.Fatalf("post turn to %s: %d: %s", conversation, status, msg)
	}
}

// postTurnStatus posts a turn and returns the answer's status and body.
func postTurnStatus(t *testing.T, base, token string, shop int64, conversation, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/shops/"+strconv.FormatInt(shop, 10)+"/conversations/"+conversation+"/turns", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	return res.StatusCode, msg
}

// app is the real server over a fresh data directory. Its listener stays
// while restart swaps the server behind it, as a redeploy does.
type app struct {
	url             string
	dir             string
	db              *sqlite.DB
	shop            *kb.Shop
	shopID          int64
	other           *kb.Shop // a second shop the agent serves
	otherID         int64
	server          atomic.Pointer[web.Server]
	restarts        int
	agent, password string
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.server.Load().ServeHTTP(w, r) }

// newServer builds a server as a process start does: a new engine over the
// store, its index rebuilt.
func (a *app) newServer(t *testing.T) *web.Server {
	t.Helper()
	ctx := context.Background()
	hub := web.NewHub()
	desk, err := assistant.NewDesk(assistant.DeskConfig{Log: a.db, Library: a.db, Publisher: hub, Now: a.db.Now,
		Indexer: index.Dirs{Root: filepath.Join(a.dir, fmt.Sprintf("index-%d", a.restarts))}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	if _, err := desk.Knowledge(ctx, a.shopID); err != nil {
		t.Fatal(err)
	}
	a.restarts++
	srv, err := web.New(web.Config{Store: a.db, Desk: desk, Hub: hub, Now: a.db.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// restart shuts the server down as on SIGTERM (every socket closed with
// 1001) and serves from a new one on the same address.
func (a *app) restart(t *testing.T) {
	t.Helper()
	old := a.server.Swap(a.newServer(t))
	if err := old.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func startApp(t *testing.T) *app {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// A fixed morning in the shop's timezone: before the same-day cutoff, so
	// what the checker flags does not depend on when the test runs.
	morning := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	db.Now = func() time.Time { return morning }
	shop, err := bundle.Load(demoBundle)
	if err != nil {
		t.Fatal(err)
	}
	info, err := db.ImportShop(ctx, shop)
	if err != nil {
		t.Fatal(err)
	}
	other, err := bundle.Load(otherBundle)
	if err != nil {
		t.Fatal(err)
	}
	otherInfo, err := db.ImportShop(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	// The agent answers for both shops, as an outsourced team does.
	a := &app{dir: dir, db: db, shop: shop, shopID: info.ID, other: other, otherID: otherInfo.ID,
		agent: "xiaoli", password: "longjing-2026"}
	u, err := db.CreateUser(ctx, a.agent, a.password, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{info.ID, otherInfo.ID} {
		if err := db.Grant(ctx, u.ID, id, kb.RoleAgent); err != nil {
			t.Fatal(err)
		}
	}
	a.server.Store(a.newServer(t))
	ts := httptest.NewServer(a)
	t.Cleanup(func() {
		a.server.Load().Close(context.Background())
		ts.Close()
	})
	a.url = ts.URL
	return a
}

// productWithBundle picks the first product sold in a bundle, so the test
// follows whatever demo shop is built in.
func productWithBundle(t *testing.T, shop *kb.Shop) (*kb.Product, string) {
	t.Helper()
	for i := range shop.Products {
		if p := &shop.Products[i]; len(p.Bundles) > 0 {
			return p, p.Bundles[0].Title
		}
	}
	t.Fatalf("demo shop %q has no product in a bundle", shop.Name)
	return nil, ""
}

// newBrowser starts Debian's Chromium headless with a fresh profile, or skips
// when it is not installed (CI sets ASSIST_REQUIRE_BROWSER and installs it).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("ASSIST_REQUIRE_BROWSER") != "" {
			t.Fatalf("chromium not installed: %v (ASSIST_REQUIRE_BROWSER is set)", err)
		}
		t.Skipf("chromium not installed: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1200, 1000),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // start it now: a broken install fails here, plainly
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// waitForEvent polls the store until want is recorded (the panel posts
// feedback without waiting for it).
func waitForEvent(t *testing.T, ctx context.Context, db *sqlite.DB, want kb.Event) {
	t.Helper()
	var got []kb.Event
	for {
		var err error
		if got, err = db.Events(ctx, want.Shop, want.Conversation); err != nil {
			t.Fatal(err)
		}
		for _, e := range got {
			if e.Turn == want.Turn && e.Agent == want.Agent && e.SuggestionID == want.SuggestionID &&
				e.Kind == want.Kind && e.Action == want.Action {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no %s event for %s %q in turn %d; events: %+v", want.Action, want.Kind, want.SuggestionID, want.Turn, got)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// savePanel keeps a screenshot of the panel for people to look at, once the
// "copied" toast has faded.
func savePanel(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	do(t, ctx, "let the toast fade",
		chromedp.WaitNotPresent(chromedp.CSS(`.panel .toast.show`)), chromedp.Sleep(200*time.Millisecond))
	saveArtifact(t, name, run(t, ctx, chromedp.Screenshot(chromedp.CSS(`#panel`))))
}

func saveArtifact(t *testing.T, name string, png []byte) {
	t.Helper()
	if err := os.MkdirAll(artifactDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactDir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// consoleLog collects what the pages write to the browser console; an
// uncaught error or a Content-Security-Policy refusal fails the test.
type consoleLog struct {
	mu  sync.Mutex
	bad []string
}

func watchConsole(t *testing.T, ctx context.Context) *consoleLog {
	c := &consoleLog{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			c.mu.Lock()
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				c.bad = append(c.bad, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
			}
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *consoleLog) check(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.bad) > 0 {
		t.Errorf("browser console:\n%s", strings.Join(c.bad, "\n"))
	}
}
