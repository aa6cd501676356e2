package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/index"
	"assist/kb/postgres"
	"assist/kb/storetest"
)

// newPostgresEnv is newEnv on the PostgreSQL store: the same two shops, a
// token of the charger shop, and a person of each role in it. Its store
// field is nil; the PostgreSQL store is returned beside.
func newPostgresEnv(t *testing.T) (*env, *postgres.DB) {
	t.Helper()
	ctx := context.Background()
	store, err := postgres.Open(ctx, storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	for i, shop := range []*kb.Shop{chargerShop(), teaShop()} {
		if info, err := store.ImportShop(ctx, shop); err != nil || info.ID != int64(i+1) {
			t.Fatalf("import %s: %+v %v", shop.Name, info, err)
		}
	}
	hub := NewHub()
	desk, err := assistant.NewDesk(assistant.DeskConfig{Log: store, Library: store, Publisher: hub,
		Indexer: index.Dirs{Root: filepath.Join(t.TempDir(), "index")}, AfterCommit: NewUsageRecorder(store, nil).AfterCommit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	srv, err := New(Config{Store: store, Desk: desk, Hub: hub, EventFlush: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close(context.Background())
		ts.Close()
	})
	token, _, err := store.CreateToken(ctx, chargerID, "qianniu")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, desk: desk, srv: srv, ts: ts, token: token, sess: map[kb.Role]*http.Cookie{}}
	for _, role := range []kb.Role{kb.RoleAgent, kb.RoleManager, kb.RoleAdmin} {
		u, err := store.CreateUser(ctx, "the-"+string(role), "password-the-"+string(role), false)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Grant(ctx, u.ID, chargerID, role); err != nil {
			t.Fatal(err)
		}
		id, _, err := store.CreateSession(ctx, u, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.sess[role] = &http.Cookie{Name: sessionCookie, Value: id}
	}
	return e, store
}

// The managers' review and the outcomes route on PostgreSQL: what an agent
// typed counts as used, a manager's panel does not count, an outcome posted
// twice counts once, every page and its CSV answer, and an agent or a token
// is refused.
func TestReviewOnPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	e, store := newPostgresEnv(t)
	ctx := context.Background()
	agent := e.panel("c1", kb.RoleAgent)
	manager := e.panel("c1", kb.RoleManager)
	sugg := e.postTurn("c1", "buyer", "充电器能便宜点吗")
	var phrase string
	for _, p := range sugg.Phrases {
		if p.ID == "ph-bundle" {
			phrase = p.Text
		}
	}
	if phrase == "" {
		t.Fatalf("the bargain did not offer ph-bundle: %+v", sugg.Phrases)
	}
	if f := mustRead(t, agent); f.Type != "suggestions" {
		t.Fatalf("agent got %+v", f)
	}
	if f := mustRead(t, manager); f.Type != "suggestions" {
		t.Fatalf("manager got %+v", f)
	}
	typed := strings.Replace(phrase, "价格更划算哦", "价格划算多了", 1)
	send(t, agent, map[string]any{"type": "turn", "ref": "r1", "role": "agent", "text": typed})
	for acked, pushed := false, false; !acked || !pushed; {
		f := mustRead(t, agent)
		acked = acked || f.Type == "ack"
		pushed = pushed || f.Type == "suggestions" && f.Turn == 1
	}
	turns, err := store.Turns(ctx, chargerID, "c1")
	if err != nil {
		t.Fatal(err)
	}
	wantShown := 0
	for _, tr := range turns {
		if strings.Contains(string(tr.Suggestions), `"id":"ph-bundle"`) {
			wantShown++
		}
	}

	paid := `{"id":"pay-1","conversation":"c1","kind":"order_paid","at":"` + time.Now().Add(time.Minute).Format(time.RFC3339) +
		`","order":"o1","amount":"119.00","items":[{"product":"gan65","quantity":1}]}`
	for _, post := range []struct {
		name   string
		body   string
		status int
	}{
		{"first post", paid, http.StatusCreated},
		{"a retry", paid, http.StatusOK},
		{"another body under the same id", strings.Replace(paid, "119.00", "99.00", 1), http.StatusConflict},
		{"no items", strings.Replace(paid, `,"items":[{"product":"gan65","quantity":1}]`, "", 1), http.StatusBadRequest},
	} {
		if status, body := e.do("POST", shopPath("/outcomes"), bearer(e.token), post.body); status != post.status {
			t.Errorf("outcome, %s: %d %s, want %d", post.name, status, body, post.status)
		}
	}

	boss := cookie(e.login(kb.RoleManager))
	var got reviewSuggestionLine
	for deadline := time.Now().Add(3 * time.Second); ; {
		if err := e.srv.FlushEvents(ctx); err != nil {
			t.Fatal(err)
		}
		status, body := e.do("GET", shopPath("/review/suggestions"), boss, "")
		if status != http.StatusOK {
			t.Fatalf("review: %d %s", status, body)
		}
		var res struct {
			Suggestions []reviewSuggestionLine `json:"suggestions"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Suggestions {
			if s.ID == "ph-bundle" {
				got = s
			}
		}
		if got.Shown == wantShown || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got.Shown != wantShown || got.Used != 1 || got.Typed != 1 || got.Edited != 1 || got.Title != "推荐套装" {
		t.Errorf("ph-bundle = %+v; want shown %d, used, typed and edited once (the manager's panel is not counted)", got, wantShown)
	}
	if len(got.After) == 0 || got.After[0].Signal != "order_paid" || got.After[0].Used != 1 || got.After[0].UsedWith != 1 {
		t.Errorf("ph-bundle after use = %+v; want the one order paid after its use", got.After)
	}

	status, body := e.do("GET", shopPath("/review/agents"), boss, "")
	var agents struct {
		Agents []reviewAgentLine `json:"agents"`
		Names  []string          `json:"names"`
	}
	if err := json.Unmarshal(body, &agents); status != http.StatusOK || err != nil {
		t.Fatalf("agents: %d %s", status, body)
	}
	if len(agents.Agents) != 1 || agents.Agents[0].Agent != "the-agent" || agents.Agents[0].Consultations != 1 ||
		agents.Agents[0].Replied != 1 || agents.Agents[0].Converted != 1 || agents.Agents[0].PaidAmount != "119.00" {
		t.Errorf("agents = %+v; want the-agent: one consultation, replied, converted for 119.00", agents.Agents)
	}
	if len(agents.Names) != 1 || agents.Names[0] != "the-agent" {
		t.Errorf("agent names = %q, want the-agent", agents.Names)
	}
	status, body = e.do("GET", shopPath("/review/conversations?agent=the-agent&figure=converted"), boss, "")
	if status != http.StatusOK || !strings.Contains(string(body), `"conversation":"c1"`) {
		t.Errorf("converted conversations: %d %s; want c1", status, body)
	}
	status, body = e.do("GET", shopPath("/review/conversations/c1"), boss, "")
	if status != http.StatusOK || !strings.Contains(string(body), "充电器能便宜点吗") || !strings.Contains(string(body), `"amount":119.00`) ||
		!strings.Contains(string(body), `"typed":true`) {
		t.Errorf("conversation: %d %s; want the turn, the typed use and the order", status, body)
	}

	for _, r := range []string{"/review/suggestions", "/review/agents", "/review/conversations", "/review/conversations/c1"} {
		if status, body := e.do("GET", shopPath(r), cookie(e.login(kb.RoleAgent)), ""); status != http.StatusForbidden {
			t.Errorf("%s, agent: %d %s, want 403", r, status, body)
		}
		if status, body := e.do("GET", shopPath(r), bearer(e.token), ""); status != http.StatusForbidden {
			t.Errorf("%s, token: %d %s, want 403", r, status, body)
		}
		for _, role := range []kb.Role{kb.RoleManager, kb.RoleAdmin} {
			status, body := e.do("GET", shopPath(r+"?format=csv"), cookie(e.login(role)), "")
			if status != http.StatusOK || !strings.HasPrefix(string(body), "\ufeff") || !strings.Contains(string(body), ",") {
				t.Errorf("%s, %s csv: %d %q, want 200 with a BOM and a header", r, role, status, body)
			}
		}
	}
}
