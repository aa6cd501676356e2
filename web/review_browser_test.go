package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
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

// reviewApp is the real server over a store that web.ReviewDemo has played
// ten days of the demo shop into, through the API and the panel sockets,
// with the server's clock following the simulation.
type reviewApp struct {
	url    string
	db     reviewAppStore
	shopID int64
}

// reviewAppStore is what the review app needs of a store: SQLite or
// PostgreSQL.
type reviewAppStore interface {
	web.Store
	web.ReviewStore
	assistant.TurnLog
	assistant.Library
	CreateToken(ctx context.Context, shop int64, name string) (string, *kb.APIToken, error)
	RefreshReview(ctx context.Context, shop int64) (int, error)
}

const (
	managerName, managerPassword = "zhuguan", "pu-er-manager-2026"
	agentPassword                = "longjing-agent-2026"
)

func startReviewApp(t *testing.T) *reviewApp {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return startReviewAppOn(t, db, func(now func() time.Time) { db.Now = now })
}

// startReviewAppOn is startReviewApp on a store, whose clock setClock sets.
func startReviewAppOn(t *testing.T, db reviewAppStore, setClock func(func() time.Time)) *reviewApp {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	// The clock follows the simulation once it plays; until then (sessions
	// are opened now) it is the real time.
	var clock atomic.Int64
	now := func() time.Time {
		if n := clock.Load(); n != 0 {
			return time.Unix(0, n)
		}
		return time.Now()
	}
	setClock(now)
	shop, err := bundle.Load(demoBundle)
	if err != nil {
		t.Fatal(err)
	}
	info, err := db.ImportShop(ctx, shop)
	if err != nil {
		t.Fatal(err)
	}
	var agents []web.DemoAgent
	for _, name := range []string{"xiaoli", "xiaowang", "xiaozhang", managerName} {
		role, password := kb.RoleAgent, agentPassword
		if name == managerName {
			role, password = kb.RoleManager, managerPassword
		}
		u, err := db.CreateUser(ctx, name, password, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Grant(ctx, u.ID, info.ID, role); err != nil {
			t.Fatal(err)
		}
		if role != kb.RoleAgent {
			continue
		}
		u, _ = db.User(ctx, name)
		id, _, err := db.CreateSession(ctx, u, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		agents = append(agents, web.DemoAgent{Name: name, Session: id})
	}
	token, _, err := db.CreateToken(ctx, info.ID, "platform")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := web.NewHub()
	desk, err := assistant.NewDesk(assistant.DeskConfig{Log: db, Library: db, Publisher: hub, Now: now,
		Indexer: index.Dirs{Root: filepath.Join(dir, "index")}, AfterCommit: web.NewUsageRecorder(db, log).AfterCommit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	// A page's refresh stops after its first chunk, so that a burst of
	// chats leaves some for the page to tell of (testPendingInBrowser).
	srv, err := web.New(web.Config{Store: db, Desk: desk, Hub: hub, Now: now, Logger: log, EventFlush: 20 * time.Millisecond,
		ReviewRefresh: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close(context.Background())
		ts.Close()
	})
	play := &web.ReviewDemo{BaseURL: ts.URL, Shop: info.ID, Token: token, Agents: agents,
		SetClock: func(at time.Time) { clock.Store(at.UnixNano()) },
		Start:    time.Date(2026, 11, 16, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)), Days: 10, PerDay: 6, Seed: 7}
	stats, err := play.Play(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.FlushEvents(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Store(0)
	if _, err := db.RefreshReview(ctx, info.ID); err != nil { // as assist demo-data does: pages then have nothing left to roll up
		t.Fatal(err)
	}
	t.Logf("demo: %+v", stats)
	if stats.Clicks == 0 || stats.Typed == 0 || stats.Outcomes == 0 {
		t.Fatalf("the demo played no clicks, typed uses or outcomes: %+v", stats)
	}
	return &reviewApp{url: ts.URL, db: db, shopID: info.ID}
}

// A manager opens the review on demo data, filters to one agent and one
// week, sees the chart and the table change, opens a conversation from a
// figure and exports CSV; an agent is refused the review.
func TestReviewInBrowser(t *testing.T) {
	testReviewInBrowser(t, startReviewApp(t), "review")
}

func testReviewInBrowser(t *testing.T, app *reviewApp, shots string) {
	ctx := newBrowser(t)
	console := watchConsole(t, ctx)
	do(t, ctx, "log in as the manager",
		chromedp.EmulateViewport(1280, 1000),
		chromedp.Navigate(app.url+"/review"),
		chromedp.WaitVisible(chromedp.CSS(`form#login`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), managerName),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), managerPassword),
		chromedp.Click(chromedp.CSS(`form#login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#table-suggestions tbody tr[data-id]`)),
		chromedp.Sleep(400*time.Millisecond)) // let the chart's animation end
	phrases := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#table-suggestions tbody tr[data-kind="phrase"]').length`))
	if phrases == 0 {
		t.Fatal("the suggestions table lists no phrase")
	}
	saveArtifact(t, shots+"-suggestions.png", run(t, ctx, chromedp.FullScreenshot(100)))

	// Agents: all of them, every week.
	do(t, ctx, "open the agents",
		chromedp.Click(chromedp.CSS(`#tabs button[data-tab="agents"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#table-agents tbody tr[data-agent]`)))
	type view struct {
		Rows   []string `json:"rows"`
		Labels []string `json:"labels"`
	}
	read := `({
		rows: [...document.querySelectorAll('#table-agents tbody tr[data-agent]')].map(r => r.dataset.agent + ' ' + r.dataset.week),
		labels: echarts.getInstanceByDom(document.getElementById('chart-agents')).getOption().xAxis[0].data,
	})`
	before := run(t, ctx, chromedp.Evaluate[view](read))
	if len(before.Rows) < 4 || len(before.Labels) != len(before.Rows) {
		t.Fatalf("agents before filtering: %+v, want several agents and weeks, one chart group each", before)
	}
	do(t, ctx, "let the chart settle", chromedp.Sleep(400*time.Millisecond))
	saveArtifact(t, shots+"-agents-all.png", run(t, ctx, chromedp.FullScreenshot(100)))

	// One agent, one week.
	do(t, ctx, "filter to xiaoli in 2026-W47",
		chromedp.SetValue(chromedp.CSS(`#filters select[name=agent]`), "xiaoli"),
		chromedp.SetValue(chromedp.CSS(`#filters select[name=week]`), "2026-W47"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#filters select[name=week]').dispatchEvent(new Event('change'))`),
		chromedp.Click(chromedp.CSS(`#filters button[type=submit]`)),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('#table-agents tbody tr[data-agent]').length === 1`),
		chromedp.Sleep(400*time.Millisecond))
	after := run(t, ctx, chromedp.Evaluate[view](read))
	if len(after.Rows) != 1 || after.Rows[0] != "xiaoli 2026-W47" || len(after.Labels) != 1 {
		t.Fatalf("after filtering: %+v, want xiaoli's week 47 alone in the table and the chart", after)
	}
	from := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#filters input[name=from]').value + '..' + document.querySelector('#filters input[name=to]').value`))
	if from != "2026-11-16..2026-11-22" {
		t.Errorf("week 47 set the dates to %s, want 2026-11-16..2026-11-22", from)
	}
	saveArtifact(t, shots+"-agents.png", run(t, ctx, chromedp.FullScreenshot(100)))

	// CSV of the table as filtered.
	csv := run(t, ctx, chromedp.Evaluate[string](`fetch(document.getElementById('csv-agents').href).then(r => r.arrayBuffer()).then(b => new TextDecoder('utf-8', {ignoreBOM: true}).decode(b))`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(csv, "\ufeff客服,周,") || !strings.Contains(csv, "xiaoli,2026-W47") || strings.Contains(csv, "xiaowang") {
		t.Errorf("agents CSV = %q, want a BOM, the Chinese header and xiaoli's week 47 only", csv)
	}

	// A figure opens the conversations behind it; one opens on its own page.
	do(t, ctx, "open the consultations behind the figure",
		chromedp.Click(chromedp.CSS(`#table-agents tbody tr[data-agent] a.figure`)),
		chromedp.WaitVisible(chromedp.CSS(`#table-behind tbody a.conv-link`)))
	conv := run(t, ctx, chromedp.Text(chromedp.CSS(`#table-behind tbody a.conv-link`)))
	do(t, ctx, "open the conversation",
		chromedp.Click(chromedp.CSS(`#table-behind tbody a.conv-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#conv-turns li.role-buyer`)))
	title := run(t, ctx, chromedp.Text(chromedp.CSS(`#conv-title`)))
	if title != "会话 "+conv {
		t.Errorf("conversation page title %q, want 会话 %s", title, conv)
	}
	turns := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#conv-turns > li').length`))
	stored, err := app.db.Turns(context.Background(), app.shopID, conv)
	if err != nil || turns != len(stored) {
		t.Errorf("the page shows %d turns, the store holds %d (%v)", turns, len(stored), err)
	}
	saveArtifact(t, shots+"-conversation.png", run(t, ctx, chromedp.FullScreenshot(100)))
	testPendingInBrowser(t, ctx, app, shots)
	console.check(t)

	// An agent is refused.
	do(t, ctx, "log out", chromedp.Evaluate[chromedp.Void](`fetch('/api/v1/logout', {method: 'POST'})`), chromedp.Sleep(200*time.Millisecond))
	do(t, ctx, "log in as an agent",
		chromedp.Navigate(app.url+"/login?next=%2Freview"),
		chromedp.WaitVisible(chromedp.CSS(`form#login`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "xiaoli"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), agentPassword),
		chromedp.Click(chromedp.CSS(`form#login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#notice`)))
	notice := run(t, ctx, chromedp.Text(chromedp.CSS(`#notice`)))
	status := run(t, ctx, chromedp.Evaluate[int](`fetch('/api/v1/shops/`+itoa(app.shopID)+`/review/agents').then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 403 || !strings.Contains(notice, "主管") {
		t.Errorf("an agent on /review: API %d, notice %q; want 403 and a notice naming who may look", status, notice)
	}
}

// testPendingInBrowser plays a burst of chats the review has not counted:
// the page counts a chunk of them and says how many are left, as the store
// does; 重新读取 counts another chunk and says the new number; the
// conversation tab, read whole, says nothing of them.
func testPendingInBrowser(t *testing.T, ctx context.Context, app *reviewApp, shots string) {
	t.Helper()
	bg := context.Background()
	for i := range 500 {
		if err := app.db.AddTurn(bg, &kb.StoredTurn{Shop: app.shopID, Conversation: fmt.Sprintf("burst-%03d", i), Role: "buyer",
			Text: "在吗", At: time.Now(), PostedBy: "token:platform", Suggestions: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	said := func() int {
		text := run(t, ctx, chromedp.Text(chromedp.CSS(`#pending`)))
		var n int
		if _, err := fmt.Sscanf(text, "还有 %d 个会话", &n); err != nil {
			t.Fatalf("the notice says %q, want the number of conversations not counted: %v", text, err)
		}
		if left, err := app.db.ReviewPending(bg, app.shopID); err != nil || n != left || n == 0 || n >= 500 {
			t.Fatalf("the page says %d conversations are not counted; the store has %d (%v); want the same, fewer than the 500 played", n, left, err)
		}
		return n
	}
	do(t, ctx, "open the suggestions after a burst of chats",
		chromedp.Click(chromedp.CSS(`#tabs button[data-tab="suggestions"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pending`)),
		chromedp.Sleep(400*time.Millisecond))
	first := said()
	saveArtifact(t, shots+"-pending.png", run(t, ctx, chromedp.FullScreenshot(100)))
	do(t, ctx, "read again", chromedp.Click(chromedp.CSS(`#pending button`)),
		chromedp.Poll[chromedp.Void](`!document.getElementById('pending').textContent.includes('还有 `+itoa(int64(first))+` ')`))
	if again := said(); again >= first {
		t.Errorf("after 重新读取 the page says %d, before %d: want fewer", again, first)
	}
	do(t, ctx, "the conversation tab says nothing of them",
		chromedp.Click(chromedp.CSS(`#tabs button[data-tab="conversation"]`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#pending`)))
	if _, err := app.db.RefreshReview(bg, app.shopID); err != nil {
		t.Fatal(err)
	}
	// The table is emptied first, so that its rows back say the answer is in.
	do(t, ctx, "read the suggestions once all are counted",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#table-suggestions tbody').replaceChildren()`),
		chromedp.Click(chromedp.CSS(`#tabs button[data-tab="suggestions"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#table-suggestions tbody tr[data-id]`)))
	if shown := run(t, ctx, chromedp.Evaluate[bool](`!document.getElementById('pending').hidden`)); shown {
		t.Error("with every conversation counted the page still says some are not")
	}
}
