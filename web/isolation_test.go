package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

// shopRoutes is every route under /api/v1/shops/{shop}/ with a body that
// would be accepted in the caller's own shop. TestEveryShopRouteIsCovered
// keeps it complete.
var shopRoutes = []struct {
	method, path, body string
}{
	{"POST", "/conversations/same/turns", `{"role":"buyer","text":"能便宜点吗"}`},
	{"GET", "/conversations", ""},
	{"GET", "/conversations/same", ""},
	{"GET", "/conversations/same/ws", ""},
	{"POST", "/check", `{"conversation":"same","text":"亲,今天一定发"}`},
	{"POST", "/events", `{"conversation":"same","turn":0,"suggestion_id":"ph-tea","kind":"phrase","action":"used"}`},
	{"GET", "/products", ""},
	{"GET", "/admin/phrases", ""},
	{"PUT", "/admin/phrases/ph-tea", `{"scene":"upsell","title":"改","text":"亲,改过的话术","tags":[]}`},
	{"PUT", "/admin/bundle", `{"shop":{"name":"山间茶舍"},"products":[],"rules":[],"phrases":[]}`},
	{"GET", "/reports/suggestions", ""},
	{"POST", "/admin/phrases", `{"scene":"closing","title":"再见","text":"亲,再见","tags":[]}`},
	{"POST", "/admin/phrases/validate", `{"scene":"upsell","title":"改","text":"亲,改过的话术","tags":[]}`},
	{"POST", "/admin/phrases/preview", `{"text":"亲,{商品}","product":"same"}`},
	{"GET", "/admin/phrases/ph-tea/history", ""},
	{"POST", "/admin/phrases/ph-tea/retire", ""},
	{"POST", "/admin/phrases/ph-tea/restore", ""},
	{"POST", "/admin/phrases/ph-tea/rollback", `{"version":1}`},
	{"POST", "/admin/phrases/ph-tea/approve", `{"version":1}`},
	{"POST", "/admin/phrases/ph-tea/reject", `{"version":1}`},
	{"GET", "/admin/phrases.csv", ""},
	{"PUT", "/admin/phrases.csv", "scene,title,text\r\nclosing,再见,亲再见\r\n"},
	{"GET", "/admin/products", ""},
	{"PUT", "/admin/products/same", `{"title":"改名","price":10}`},
	{"GET", "/admin/rules", ""},
	{"PUT", "/admin/rules/same", `{"title":"改","source":"店铺规则","text":"改过的规则"}`},
	{"GET", "/admin/law", ""},
	{"GET", "/admin/settings", ""},
	{"PUT", "/admin/settings", `{"require_approval":true}`},
	{"GET", "/admin/bundle", ""},
	{"GET", "/members", ""},
	{"PUT", "/members/the-agent", `{"role":"admin"}`},
	{"DELETE", "/members/the-agent", ""},
	{"GET", "/categories", ""},
	{"POST", "/flags", `{"conversation":"same","turn":0,"kind":"missed","category":"evidence.missing"}`},
	{"GET", "/admin/flags", ""},
	{"POST", "/admin/flags/1", `{"decision":"reject"}`},
	{"GET", "/admin/cues", ""},
	{"PUT", "/admin/cues", `{"word":"少了","category":"evidence.missing","enabled":true}`},
	{"DELETE", "/admin/cues?word=少了&category=evidence.missing", ""},
	{"POST", "/admin/try", `{"role":"buyer","text":"乌龙少了一包"}`},
	{"GET", "/tokens", ""},
	{"DELETE", "/tokens/2", ""}, // the tea shop's token in TestNothingCrossesAShop
	{"GET", "/phrases?q=ph&conversation=same", ""},
	{"GET", "/phrases/mine", ""},
	{"POST", "/phrases/mine", `{"title":"我的","text":"亲,稍等我查一下"}`},
	{"PUT", "/phrases/mine/mine-1", `{"title":"我的","text":"亲,稍等"}`},
	{"DELETE", "/phrases/mine/mine-1", ""},
	{"POST", "/outcomes", `{"id":"pay-iso-1","conversation":"same","kind":"order_paid","at":"2026-11-30T10:00:00+08:00","order":"o-1","amount":"45.00","items":[{"product":"p1","quantity":1}]}`},
	{"GET", "/review/suggestions", ""},
	{"GET", "/review/agents", ""},
	{"GET", "/review/conversations", ""},
	{"GET", "/review/conversations/same", ""},
}

func TestEveryShopRouteIsCovered(t *testing.T) {
	e := newEnv(t)
	covered := map[string]bool{}
	for _, r := range shopRoutes {
		covered[r.method+" "+routeShape(r.path)] = true
	}
	for _, p := range e.srv.patterns {
		method, path, _ := strings.Cut(p, " ")
		rest, ok := strings.CutPrefix(path, "/api/v1/shops/{shop}")
		if !ok || rest == "" {
			continue
		}
		if !covered[method+" "+routeShape(rest)] {
			t.Errorf("route %s is not in the isolation table", p)
		}
	}
}

// routeShape replaces the path's values with one placeholder, so a table
// path and a route pattern compare.
func routeShape(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, "{"), p == "same", p == "ph-tea", p == "the-agent", p != "" && strings.Trim(p, "0123456789") == "", p == "mine-1":
			parts[i] = "*"
		}
	}
	return strings.Join(parts, "/")
}

// Nothing crosses a shop: every role of the charger shop (and its token),
// asking for anything of the tea shop, is refused; and what the charger
// shop reads holds nothing of the tea shop's conversations, events,
// knowledge or pushes, though both use the same conversation id.
func TestNothingCrossesAShop(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	teaToken, _, err := e.store.CreateToken(ctx, teaID, "tea-platform")
	if err != nil {
		t.Fatal(err)
	}
	// The tea shop's agent, as a member, creates the tea shop's data.
	teaAgent := e.person("tea-agent", false, map[int64]kb.Role{teaID: kb.RoleAgent})
	status, body := e.do("POST", "/api/v1/shops/2/conversations/same/turns", bearer(teaToken), `{"role":"buyer","text":"乌龙能便宜点吗"}`)
	if status != 200 {
		t.Fatalf("tea turn: %d %s", status, body)
	}
	if status, body := e.do("POST", "/api/v1/shops/2/events", cookie(teaAgent),
		`{"conversation":"same","turn":0,"suggestion_id":"ph-tea","kind":"phrase","action":"used"}`); status != 204 {
		t.Fatalf("tea event: %d %s", status, body)
	}

	// A charger-shop panel on conversation "same" opens before anything is
	// posted there.
	sock := e.panel("same", kb.RoleAgent)

	callers := map[string]auth{
		"charger agent":   cookie(e.login(kb.RoleAgent)),
		"charger admin":   cookie(e.login(kb.RoleAdmin)),
		"charger manager": cookie(e.login(kb.RoleManager)),
		"charger token":   bearer(e.token),
		"tea token on charger routes": func(r *http.Request) {
			if !strings.Contains(r.URL.Path, "/shops/2/") {
				r.Header.Set("Authorization", "Bearer "+teaToken)
			}
		},
	}
	for name, who := range callers {
		for _, r := range shopRoutes {
			shop := "2"
			if name == "tea token on charger routes" {
				shop = "1"
			}
			path := "/api/v1/shops/" + shop + r.path
			t.Run(name+" "+r.method+" "+r.path, func(t *testing.T) {
				status, body := e.do(r.method, path, who, r.body)
				if status != http.StatusForbidden {
					t.Errorf("%s %s: %d %s, want 403", r.method, path, status, body)
				}
			})
		}
	}
	// The sockets refuse too.
	h := http.Header{}
	h.Set("Origin", e.ts.URL)
	h.Set("Cookie", e.login(kb.RoleAgent).String())
	if _, status, err := dialWith(nil, strings.Replace(e.wsURL("same"), "/shops/1/", "/shops/2/", 1), h); err == nil || status != 403 {
		t.Errorf("charger agent's socket on the tea shop: %d %v, want 403", status, err)
	}

	// The charger shop's own reads hold nothing of the tea shop.
	e.postTurn("same", "buyer", "充电器能便宜点吗")
	push := mustRead(t, sock)
	if push.Text != "充电器能便宜点吗" {
		t.Errorf("charger panel got %q", push.Text)
	}
	e.do("POST", "/api/v1/shops/2/conversations/same/turns", bearer(teaToken), `{"role":"buyer","text":"乌龙茶到了吗"}`)
	if f, err := read(t, sock, 500*time.Millisecond); err == nil {
		t.Errorf("the charger panel was pushed the tea shop's turn: %+v", f)
	}
	agent := cookie(e.login(kb.RoleAgent))
	for _, c := range []struct{ path, mustNot string }{
		{"/conversations", "乌龙"},
		{"/conversations/same", "乌龙"},
		{"/products", "tea-a"},
	} {
		status, body := e.do("GET", shopPath(c.path), agent, "")
		if status != 200 || strings.Contains(string(body), c.mustNot) {
			t.Errorf("GET %s: %d %s: must not hold %q", c.path, status, body, c.mustNot)
		}
	}
	if status, body := e.do("GET", shopPath("/admin/phrases"), cookie(e.login(kb.RoleAdmin)), ""); status != 200 || strings.Contains(string(body), "ph-tea") {
		t.Errorf("charger phrases: %d %s", status, body)
	}
	e.srv.FlushEvents(ctx)
	status, body = e.do("GET", shopPath("/reports/suggestions"), cookie(e.login(kb.RoleManager)), "")
	var report struct {
		Suggestions []suggestionLine `json:"suggestions"`
	}
	json.Unmarshal(body, &report)
	if status != 200 || len(report.Suggestions) == 0 || strings.Contains(string(body), "ph-tea") {
		t.Errorf("charger report: %d %s: want the charger panel's shown events, nothing of the tea shop", status, body)
	}
	// A suggestion only the tea shop offered cannot be recorded in the
	// charger shop's conversation of the same id.
	if status, _ := e.do("POST", shopPath("/events"), agent,
		`{"conversation":"same","turn":0,"suggestion_id":"ph-tea","kind":"phrase","action":"used"}`); status != 400 {
		t.Errorf("a tea suggestion recorded in the charger shop: %d, want 400", status)
	}
	// The tea shop's store rows are its own.
	if events, err := e.store.Events(ctx, teaID, "same"); err != nil || len(events) != 1 || events[0].Agent != "tea-agent" {
		t.Errorf("tea events = %+v, %v", events, err)
	}
	if turns, err := e.store.Turns(ctx, teaID, "same"); err != nil || len(turns) != 2 {
		t.Errorf("tea turns = %d, %v; want 2", len(turns), err)
	}
}

// An owner manages every shop's people without being one of them, and sees
// no shop's conversations until they are.
func TestOwnerManagesShopsButReadsNone(t *testing.T) {
	e := newEnv(t)
	owner := cookie(e.person("boss", true, nil))
	if status, body := e.do("GET", "/api/v1/shops", owner, ""); status != 200 || !strings.Contains(string(body), "山间茶舍") {
		t.Errorf("owner lists shops: %d %s", status, body)
	}
	if status, body := e.do("PUT", "/api/v1/shops/2/members/xiaoxue", owner, `{"role":"agent"}`); status != 201 {
		t.Errorf("owner adds an agent to the tea shop: %d %s", status, body)
	}
	if status, _ := e.do("GET", "/api/v1/shops/2/conversations", owner, ""); status != 403 {
		t.Errorf("owner reads conversations of a shop they are not in: %d, want 403", status)
	}
	if status, _ := e.do("GET", "/api/v1/shops", cookie(e.login(kb.RoleAdmin)), ""); status != 403 {
		t.Errorf("a shop admin lists every shop: %d, want 403", status)
	}
	bundle := `{"shop":{"name":"第三家店"},"products":[{"id":"p1","title":"帆布包","price":59}],"rules":[],"phrases":[]}`
	status, body := e.do("POST", "/api/v1/shops", owner, bundle)
	if status != 201 || !strings.Contains(string(body), `"role":"admin"`) {
		t.Fatalf("owner creates a shop: %d %s", status, body)
	}
	if status, _ := e.do("POST", "/api/v1/shops", owner, bundle); status != 409 {
		t.Errorf("the same shop again: %d, want 409", status)
	}
	bad := `{"shop":{"name":"坏店"},"products":[{"id":"p1","title":"帆布包","price":-1}],"rules":[],"phrases":[{"id":"h","scene":"upsel","title":"x","text":"y"}]}`
	status, body = e.do("POST", "/api/v1/shops", owner, bad)
	var problems bundleProblems
	json.Unmarshal(body, &problems)
	if status != 400 || len(problems.Problems) < 2 || !strings.Contains(strings.Join(problems.Problems, "\n"), "shop.json:1:") {
		t.Errorf("a bad bundle: %d %s: want 400 with every problem at its line", status, body)
	}
}
