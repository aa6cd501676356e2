package web

import (
	"context"
	"encoding/json"
	"fmt"
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
	"assist/kb/sqlite"
	"assist/kb/storetest"
)

// Both stores keep the workspace, and PostgreSQL the shared login counts;
// a store that lost one would otherwise fall back (501, per-process counts)
// silently.
var (
	_ AdminStore         = (*postgres.DB)(nil)
	_ AdminStore         = (*sqlite.DB)(nil)
	_ LoginThrottleStore = (*postgres.DB)(nil)
)

// pgInstances are servers on one PostgreSQL store, each with its own desk
// and hub, as assist serve -store postgres://… runs them behind a load
// balancer (pushes between them are cmd/assist's relay, not needed here).
type pgInstances struct {
	store *postgres.DB
	shop  int64 // the charger shop
	envs  []*env
	desks []*assistant.Desk
}

func newPGInstances(t *testing.T, n int) *pgInstances {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.PostgresDSN(t)
	store, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	info, err := store.ImportShop(ctx, chargerShop())
	if err != nil || info.ID != chargerID { // env's helpers (adminList) address shop 1
		t.Fatalf("import: %+v %v", info, err)
	}
	p := &pgInstances{store: store, shop: info.ID}
	for range n {
		// Each instance opens its own pool, as a process of its own would.
		own, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { own.Close() })
		hub := NewHub()
		desk, err := assistant.NewDesk(assistant.DeskConfig{Log: own, Library: own, Publisher: hub,
			Indexer: index.Dirs{Root: filepath.Join(t.TempDir(), "index")}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { desk.Close() })
		srv, err := New(Config{Store: own, Desk: desk, Hub: hub, EventFlush: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(func() {
			srv.Close(context.Background())
			ts.Close()
		})
		p.envs = append(p.envs, &env{t: t, srv: srv, ts: ts})
		p.desks = append(p.desks, desk)
	}
	return p
}

// admin creates an admin of the charger shop and returns their session.
func (p *pgInstances) admin(t *testing.T, name string) auth {
	t.Helper()
	ctx := context.Background()
	u, err := p.store.CreateUser(ctx, name, "password-"+name, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.store.Grant(ctx, u.ID, p.shop, kb.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	id, _, err := p.store.CreateSession(ctx, u, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return cookie(&http.Cookie{Name: sessionCookie, Value: id})
}

func (p *pgInstances) path(rest string) string {
	return fmt.Sprintf("/api/v1/shops/%d%s", p.shop, rest)
}

// phraseOn is phrase id as instance i's engine will answer the shop's next
// turn with it.
func (p *pgInstances) phraseOn(t *testing.T, i int, id string) (kb.Phrase, bool) {
	t.Helper()
	k, err := p.desks[i].Knowledge(context.Background(), p.shop)
	if err != nil {
		t.Fatal(err)
	}
	ph, ok := k.Phrase(id)
	if !ok {
		return kb.Phrase{}, false
	}
	return *ph, true
}

// The admin's workspace on PostgreSQL, across two instances: a phrase
// created, edited and rolled back through one is what the other's engine
// answers with; a draft written on one and approved on the other goes live
// on both; history and its diff read the same through either.
func TestWorkspaceOnPostgres(t *testing.T) {
	p := newPGInstances(t, 2)
	a, b := p.envs[0], p.envs[1]
	ann, bob := p.admin(t, "ann"), p.admin(t, "bob")
	// B loads the shop before the edits, so it must notice them.
	if _, ok := p.phraseOn(t, 1, "ph-ship"); !ok {
		t.Fatal("B's engine has no ph-ship")
	}

	status, body := a.do("POST", p.path("/admin/phrases"), ann,
		`{"scene":"closing","title":"道别","text":"亲,感谢光临{店铺},祝您生活愉快","tags":["再见"],"code":"bye"}`)
	if status != 200 {
		t.Fatalf("create on A: %d %s", status, body)
	}
	var created versionLine
	json.Unmarshal(body, &created)
	id := created.ID
	if ph, ok := p.phraseOn(t, 1, id); !ok || ph.Code != "bye" {
		t.Fatalf("B's engine after a create on A: %+v %v", ph, ok)
	}
	const edited = "亲,感谢光临{店铺},期待再次为您服务"
	if status, body := a.do("PUT", p.path("/admin/phrases/"+id), ann,
		`{"scene":"closing","title":"道别","text":"`+edited+`","tags":["再见"],"code":"bye"}`); status != 200 {
		t.Fatalf("edit on A: %d %s", status, body)
	}
	if ph, _ := p.phraseOn(t, 1, id); ph.Text != edited {
		t.Errorf("B's engine after an edit on A: %q", ph.Text)
	}
	// History through B: newest first, the edit's diff marks what it added.
	status, body = b.do("GET", p.path("/admin/phrases/"+id+"/history"), bob, "")
	var hist struct {
		Versions []versionLine `json:"versions"`
	}
	json.Unmarshal(body, &hist)
	if status != 200 || len(hist.Versions) != 2 || hist.Versions[0].Action != kb.PhraseEdit || hist.Versions[0].Author != "ann" {
		t.Fatalf("history on B: %d %s", status, body)
	}
	var added string
	for _, d := range hist.Versions[0].TextDiff {
		if d.Op == "+" {
			added += d.Text
		}
	}
	if !strings.Contains(added, "期待") {
		t.Errorf("the edit's diff adds %q, want 期待…: %+v", added, hist.Versions[0].TextDiff)
	}
	// Rolled back through B: A's engine answers with version 1 again.
	if status, body := b.do("POST", p.path("/admin/phrases/"+id+"/rollback"), bob, `{"version":1}`); status != 200 {
		t.Fatalf("rollback on B: %d %s", status, body)
	}
	if ph, _ := p.phraseOn(t, 0, id); ph.Text != "亲,感谢光临{店铺},祝您生活愉快" {
		t.Errorf("A's engine after a rollback on B: %q", ph.Text)
	}
	if status, _ := b.do("POST", p.path("/admin/phrases/"+id+"/rollback"), bob, `{"version":42}`); status != 404 {
		t.Errorf("rollback to a missing version: %d, want 404", status)
	}

	// Two admins, two instances: ann's draft on A waits, bob approves on B.
	if status, body := a.do("PUT", p.path("/admin/settings"), ann, `{"require_approval":true}`); status != 200 {
		t.Fatalf("require approval on A: %d %s", status, body)
	}
	status, body = a.do("PUT", p.path("/admin/phrases/ph-hello"), ann, `{"scene":"greeting","title":"欢迎","text":"您好,{店铺}客服小安为您服务"}`)
	if status != 202 {
		t.Fatalf("a change in an approving shop: %d %s, want 202 (a draft)", status, body)
	}
	var draft versionLine
	json.Unmarshal(body, &draft)
	for i := range p.envs {
		if ph, _ := p.phraseOn(t, i, "ph-hello"); strings.Contains(ph.Text, "小安") {
			t.Errorf("a draft reached instance %d's engine", i)
		}
	}
	if l := b.adminList(t, bob, ""); len(l.Drafts) != 1 || !l.RequireApproval {
		t.Errorf("bob's list on B: %+v", l)
	}
	n := fmt.Sprintf(`{"version":%d}`, draft.N)
	if status, _ := b.do("POST", p.path("/admin/phrases/ph-hello/approve"), ann, n); status != 403 {
		t.Errorf("ann approves her own draft on B: %d, want 403", status)
	}
	if status, body := b.do("POST", p.path("/admin/phrases/ph-hello/approve"), bob, n); status != 200 {
		t.Fatalf("bob approves on B: %d %s", status, body)
	}
	for i := range p.envs {
		if ph, _ := p.phraseOn(t, i, "ph-hello"); !strings.Contains(ph.Text, "小安") {
			t.Errorf("the approved change is not live on instance %d: %q", i, ph.Text)
		}
	}
}

// Wrong passwords sent to one instance throttle the name on the other:
// the count is in the shared store, so a guesser behind a load balancer
// gets five tries in all, not five per instance.
func TestLoginThrottleHoldsAcrossInstances(t *testing.T) {
	p := newPGInstances(t, 2)
	if _, err := p.store.CreateUser(context.Background(), "xiaoli", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	login := func(e *env, name, password string) (int, string) {
		t.Helper()
		res, err := http.Post(e.ts.URL+"/api/v1/login", "application/json",
			strings.NewReader(`{"name":"`+name+`","password":"`+password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode, res.Header.Get("Retry-After")
	}
	a, b := p.envs[0], p.envs[1]
	// Alternating instances, as a load balancer would spread them.
	for i := range loginFailures {
		if status, _ := login(p.envs[i%2], "xiaoli", "guess"); status != 401 {
			t.Fatalf("wrong password %d: %d, want 401", i+1, status)
		}
	}
	for _, e := range []*env{a, b} {
		status, retry := login(e, "xiaoli", "correct horse")
		if status != 429 || retry == "" {
			t.Errorf("the right password after %d wrong ones spread over both: %d (Retry-After %q), want 429", loginFailures, status, retry)
		}
	}
	// Another name is not held back, on either.
	if _, err := p.store.CreateUser(context.Background(), "xiaowang", "battery staple", false); err != nil {
		t.Fatal(err)
	}
	if status, _ := login(b, "xiaowang", "battery staple"); status != 200 {
		t.Errorf("another user while xiaoli waits: %d", status)
	}
}
