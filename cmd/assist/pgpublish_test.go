package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"assist/assistant"
	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/storetest"
)

// startInstance runs assist serve on the shared store with its own data
// directory (its own index), as one instance behind a load balancer.
func startInstance(t *testing.T, dsn string) (url string, out *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "-data", t.TempDir(), "-store", dsn, "-addr", "127.0.0.1:0"}, out, out)
	}()
	url = waitFor(t, out, listeningRe)
	t.Cleanup(func() {
		cancel()
		select {
		case c := <-code:
			if c != 0 {
				t.Errorf("instance %s exited %d:\n%s", url, c, out)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("instance %s did not stop within 20s", url)
		}
	})
	return url, out
}

// panel opens a conversation's socket with a session cookie.
func panel(t *testing.T, url, cookie, path string) *websocket.Conn {
	t.Helper()
	h := http.Header{}
	h.Set("Origin", url)
	h.Set("Cookie", cookie)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+path, h)
	if err != nil {
		t.Fatalf("panel on %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// nextPush reads the next suggestion set pushed to a panel.
func nextPush(t *testing.T, ws *websocket.Conn) (assistant.Suggestions, error) {
	t.Helper()
	for {
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return assistant.Suggestions{}, err
		}
		// A pushed frame is the suggestion set with its type added.
		var s struct {
			Type string `json:"type"`
			assistant.Suggestions
		}
		if err := json.Unmarshal(msg, &s); err != nil {
			t.Fatalf("push %s: %v", msg, err)
		}
		if s.Type != "suggestions" {
			continue
		}
		return s.Suggestions, nil
	}
}

func postTurn(t *testing.T, url, token string, shop int64, conv, text string) assistant.Suggestions {
	t.Helper()
	s, err := tryTurn(url, token, shop, conv, text)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tryTurn posts a turn with a token; it may run on any goroutine.
func tryTurn(url, token string, shop int64, conv, text string) (assistant.Suggestions, error) {
	var s assistant.Suggestions
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/shops/%d/conversations/%s/turns", url, shop, conv),
		strings.NewReader(`{"role":"buyer","text":"`+text+`"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return s, fmt.Errorf("turn to %s: %s %s", url, res.Status, body)
	}
	return s, json.Unmarshal(body, &s)
}

// killListeners ends the database sessions listening for the turn notices
// of dsn's schema, as a database restart would.
func killListeners(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE query LIKE 'LISTEN "assist\_turns\_' || current_schema() || '%'`).Scan(&n)
	if err != nil || n != 2 {
		t.Fatalf("ended %d listening sessions, %v; want the two instances'", n, err)
	}
}

// warm waits until an instance answers turns: its first turn loads the
// shop (dictionary, index), which on a loaded machine may outlast the
// server's 30 s write timeout. The load goes on after a timed-out request,
// so asking again gets there.
func warm(t *testing.T, url, token string, shop int64) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		_, err := tryTurn(url, token, shop, "warm-up", "你好")
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s answers no turn after 3 minutes: %v", url, err)
		}
		time.Sleep(time.Second)
	}
}

// Two instances on one PostgreSQL behave as one server: a turn posted to
// one is pushed to a panel on the other, a session made on one holds on
// the other, turns of one conversation posted to both at once are
// numbered once each and pushed in order, an edit through one changes the
// other's next turn, wrong passwords on one throttle the name on the
// other, and a revoked token is refused by both.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a, outA := startInstance(t, dsn)
	adminPassword := waitFor(t, outA, adminPassRe)
	b, _ := startInstance(t, dsn)

	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	shops, err := db.Shops(ctx)
	if err != nil || len(shops) != 1 {
		t.Fatalf("shops %v %v: want the demo shop once, though two instances started on an empty store", shops, err)
	}
	shop := shops[0].ID
	agent, err := db.CreateUser(ctx, "xiaoli", "agent-password", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, agent.ID, shop, kb.RoleAgent); err != nil {
		t.Fatal(err)
	}
	// Tokens are made and revoked with the command line, on the shared store.
	code, stdout, stderr := runAssist(t, "token", "create", "-store", dsn, "-name", "qianniu")
	token := lastLine(stdout)
	if code != 0 || !strings.HasPrefix(token, "ast_") {
		t.Fatalf("token create -store: %d %s %s", code, stdout, stderr)
	}

	warm(t, a, token, shop)
	warm(t, b, token, shop)

	// Logged in through A, watching through B.
	cookie := loginCookie(t, a, "xiaoli", "agent-password")
	ws := panel(t, b, cookie, fmt.Sprintf("/api/v1/shops/%d/conversations/c1/ws", shop))
	first := postTurn(t, a, token, shop, "c1", "你好,在吗")
	got, err := nextPush(t, ws)
	if err != nil || got.Turn != 0 || got.Conversation != "c1" {
		t.Fatalf("panel on B after a turn posted to A: %+v %v; want turn 0 of c1", got, err)
	}
	if first.Turn != 0 {
		t.Fatalf("first turn numbered %d", first.Turn)
	}

	// The instances' listening connections are cut (a database restart, a
	// proxy): they listen again, and a turn posted meanwhile still reaches
	// the panel, once.
	killListeners(t, dsn)
	postTurn(t, a, token, shop, "c1", "物流到哪了")
	if got, err := nextPush(t, ws); err != nil || got.Turn != 1 {
		t.Fatalf("panel on B after its listening connection was cut: %+v %v; want turn 1", got, err)
	}

	// Pairs of turns posted to A and B at once: each is numbered once,
	// and B's panel sees every number once, in order.
	const pairs = 6
	numbers := map[int]string{}
	var mu sync.Mutex
	for i := range pairs {
		var wg sync.WaitGroup
		for _, url := range []string{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := tryTurn(url, token, shop, "c1", fmt.Sprintf("第%d轮还在吗", i))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Error(err)
					return
				}
				if prev, dup := numbers[s.Turn]; dup {
					t.Errorf("turn %d numbered twice (%s and %s)", s.Turn, prev, url)
				}
				numbers[s.Turn] = url
			}()
		}
		wg.Wait()
	}
	for want := 2; want <= 2*pairs+1; want++ {
		if _, ok := numbers[want]; !ok {
			t.Errorf("no turn was numbered %d: %v", want, numbers)
		}
		got, err := nextPush(t, ws)
		if err != nil || got.Turn != want {
			t.Fatalf("push %d on B: turn %d, %v; want turns in order, each once", want, got.Turn, err)
		}
	}
	stored, err := db.Turns(ctx, shop, "c1")
	if err != nil || len(stored) != 2*pairs+2 {
		t.Fatalf("stored %d turns, %v; want %d", len(stored), err, 2*pairs+2)
	}

	// An edit through A changes B's next turn: the admin rewrites, in A's
	// workspace, the phrase B suggests for a bargaining line, and B's next
	// turn suggests the new wording; then turns a cue word off on A, and
	// B's next turn no longer raises the nudge it raised.
	const line = "能便宜点吗"
	before := postTurn(t, b, token, shop, "c2", line)
	if !hasNudge(before, "upsell", "bargain") || len(before.Phrases) == 0 {
		t.Fatalf("%q raises %+v and %d phrases: want bargaining and a phrase before the edit", line, before.Nudges, len(before.Phrases))
	}
	admin := loginCookie(t, a, "admin", adminPassword)
	top := before.Phrases[0]
	// The rewrite keeps the phrase's meaning, so ranking still picks it.
	const rewritten = "本店付款后15天内同款降价都可以退差价,您把订单号发我,我马上帮您申请~"
	// An edit sends the whole phrase: its tags are kept as they are.
	known, _, err := db.ShopByID(ctx, shop)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := known.Phrase(top.ID)
	if !ok {
		t.Fatalf("phrase %s is not in the store", top.ID)
	}
	edit, _ := json.Marshal(map[string]any{"scene": top.Scene, "title": top.Title, "text": rewritten, "tags": p.Tags})
	if status, resp := put(t, fmt.Sprintf("%s/api/v1/shops/%d/admin/phrases/%s", a, shop, top.ID), admin, string(edit)); status != 200 {
		t.Fatalf("phrase edit in A's workspace: %d %s", status, resp)
	}
	if after := postTurn(t, b, token, shop, "c3", line); !hasPhrase(after, top.ID, rewritten) {
		t.Errorf("B's next turn after the phrase was rewritten through A suggests %+v: want %s with the new text", after.Phrases, top.ID)
	}
	if status, resp := put(t, fmt.Sprintf("%s/api/v1/shops/%d/admin/cues", a, shop), admin,
		`{"word":"便宜点","category":"upsell.bargain","enabled":false}`); status != 200 {
		t.Fatalf("edit through A: %d %s", status, resp)
	}
	if after := postTurn(t, b, token, shop, "c2", line); hasNudge(after, "upsell", "bargain") {
		t.Errorf("B's next turn still raises bargaining after the cue word was turned off through A: %+v", after.Nudges)
	}

	// Wrong passwords sent to A throttle the name on B: the count is in
	// the shared store, not in one process.
	if _, err := db.CreateUser(ctx, "xiaowang", "right-password", false); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if status, resp := post(t, a+"/api/v1/login", "", `{"name":"xiaowang","password":"guess"}`); status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d on A: %d %s", i+1, status, resp)
		}
	}
	if status, resp := post(t, b+"/api/v1/login", "", `{"name":"xiaowang","password":"right-password"}`); status != http.StatusTooManyRequests {
		t.Errorf("the right password on B after 5 wrong ones on A: %d %s, want 429", status, resp)
	}

	// A logout on A closes the session's panel on B at once, not at B's
	// next ping (30 s): the closing is announced on the store.
	cookie2 := loginCookie(t, a, "xiaoli", "agent-password")
	sessionPanel := panel(t, b, cookie2, fmt.Sprintf("/api/v1/shops/%d/conversations/c9/ws", shop))
	tokenPanel := tokenSocket(t, b, token, fmt.Sprintf("/api/v1/shops/%d/conversations/c9/ws", shop))
	req, _ := http.NewRequest("POST", a+"/api/v1/logout", nil)
	req.Header.Set("Cookie", cookie2)
	req.Header.Set("Origin", a)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout on A: %v %v", res, err)
	}
	if err := closedWithin(sessionPanel, 5*time.Second); err != nil {
		t.Errorf("the panel on B of a session logged out on A: %v", err)
	}

	// A token revoked once is refused by both, and its sockets close.
	toks, err := db.Tokens(ctx)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens %+v %v", toks, err)
	}
	if code, stdout, stderr := runAssist(t, "token", "revoke", "-store", dsn, "-id", fmt.Sprint(toks[0].ID)); code != 0 {
		t.Fatalf("token revoke -store: %d %s %s", code, stdout, stderr)
	}
	for _, url := range []string{a, b} {
		if status, resp := post(t, fmt.Sprintf("%s/api/v1/shops/%d/conversations/c1/turns", url, shop), token,
			`{"role":"buyer","text":"还在吗"}`); status != http.StatusUnauthorized {
			t.Errorf("revoked token on %s: %d %s, want 401", url, status, resp)
		}
	}
	if err := closedWithin(tokenPanel, 5*time.Second); err != nil {
		t.Errorf("the socket on B of a token revoked from the command line: %v", err)
	}
}

// tokenSocket opens a conversation's socket with an API token.
func tokenSocket(t *testing.T, url, token, path string) *websocket.Conn {
	t.Helper()
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+path, h)
	if err != nil {
		t.Fatalf("token socket on %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// closedWithin reads frames until the server closes the socket with 1008
// (policy), and says what happened instead when it does not within d.
func closedWithin(ws *websocket.Conn, d time.Duration) error {
	ws.SetReadDeadline(time.Now().Add(d))
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		if websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
			return nil
		}
		return fmt.Errorf("want a 1008 close within %v, got %w", d, err)
	}
}

func hasPhrase(s assistant.Suggestions, id, text string) bool {
	for _, p := range s.Phrases {
		if p.ID == id && p.Text == text {
			return true
		}
	}
	return false
}

func hasNudge(s assistant.Suggestions, kind, category string) bool {
	for _, n := range s.Nudges {
		if n.Kind == kind && n.Category == category {
			return true
		}
	}
	return false
}
