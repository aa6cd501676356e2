package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

func TestWhoMayCallWhat(t *testing.T) {
	e := newEnv(t)
	agent, admin, manager := cookie(e.login(kb.RoleAgent)), cookie(e.login(kb.RoleAdmin)), cookie(e.login(kb.RoleManager))
	token := bearer(e.token)
	e.postTurn("c1", "buyer", "充电器能便宜点吗")
	turn := `{"role":"buyer","text":"在吗"}`
	tests := []struct {
		name         string
		method, path string
		auth         auth
		body         string
		want         int
	}{
		{name: "no credentials on a turn", method: "POST", path: "/api/v1/shops/1/conversations/c1/turns", auth: anonymous, body: turn, want: 401},
		{name: "a bad token on a turn", method: "POST", path: "/api/v1/shops/1/conversations/c1/turns", auth: bearer("ast_not-a-token"), body: turn, want: 401},
		{name: "a token without the prefix", method: "POST", path: "/api/v1/shops/1/conversations/c1/turns", auth: bearer("nonsense"), body: turn, want: 401},
		{name: "Basic instead of Bearer", method: "POST", path: "/api/v1/shops/1/conversations/c1/turns",
			auth: func(r *http.Request) { r.SetBasicAuth("a", "b") }, body: turn, want: 401},
		{name: "a forged session cookie", method: "GET", path: "/api/v1/shops/1/conversations", auth: cookie(&http.Cookie{Name: sessionCookie, Value: "forged"}), want: 401},
		{name: "the token posts a turn", method: "POST", path: "/api/v1/shops/1/conversations/c1/turns", auth: token, body: turn, want: 200},
		{name: "an agent posts a turn", method: "POST", path: "/api/v1/shops/1/conversations/c1/turns", auth: agent, body: turn, want: 200},
		{name: "a manager does not post turns", method: "POST", path: "/api/v1/shops/1/conversations/c1/turns", auth: manager, body: turn, want: 403},
		{name: "the token cannot list conversations", method: "GET", path: "/api/v1/shops/1/conversations", auth: token, want: 403},
		{name: "an agent lists conversations", method: "GET", path: "/api/v1/shops/1/conversations", auth: agent, want: 200},
		{name: "anonymous lists nothing", method: "GET", path: "/api/v1/shops/1/conversations", auth: anonymous, want: 401},
		{name: "an agent reads phrases to edit", method: "GET", path: "/api/v1/shops/1/admin/phrases", auth: agent, want: 403},
		{name: "an agent edits a phrase", method: "PUT", path: "/api/v1/shops/1/admin/phrases/ph-hello", auth: agent,
			body: `{"scene":"greeting","title":"欢迎","text":"您好","tags":[]}`, want: 403},
		{name: "an agent adds a member", method: "PUT", path: "/api/v1/shops/1/members/x", auth: agent, body: `{"role":"admin"}`, want: 403},
		{name: "an agent reads the report", method: "GET", path: "/api/v1/shops/1/reports/suggestions", auth: agent, want: 403},
		{name: "the token reads the report", method: "GET", path: "/api/v1/shops/1/reports/suggestions", auth: token, want: 403},
		{name: "anonymous reads the report", method: "GET", path: "/api/v1/shops/1/reports/suggestions", auth: anonymous, want: 401},
		{name: "a manager reads the report", method: "GET", path: "/api/v1/shops/1/reports/suggestions", auth: manager, want: 200},
		{name: "an admin reads phrases", method: "GET", path: "/api/v1/shops/1/admin/phrases", auth: admin, want: 200},
		{name: "a manager does not edit phrases", method: "GET", path: "/api/v1/shops/1/admin/phrases", auth: manager, want: 403},
		{name: "an unknown API route", method: "GET", path: "/api/v1/secrets", auth: admin, want: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do(tt.method, tt.path, tt.auth, tt.body)
			if status != tt.want {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, status, body, tt.want)
			}
			if status >= 400 {
				if eb := errorOfBody(t, body); eb.Error == "" || eb.Reason == "" {
					t.Errorf("error body %s: want a code and a reason", body)
				}
			}
		})
	}
}

func TestLoginRenewsTheSession(t *testing.T) {
	e := newEnv(t)
	if _, err := e.store.CreateUser(t.Context(), "xiaoli", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	login := func(a auth, password string) (int, *http.Cookie) {
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/login",
			strings.NewReader(`{"name":"xiaoli","password":"`+password+`"}`))
		a(req)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for _, c := range res.Cookies() {
			if c.Name == sessionCookie {
				return res.StatusCode, c
			}
		}
		return res.StatusCode, nil
	}
	if status, c := login(anonymous, "wrong horse"); status != 401 || c != nil {
		t.Fatalf("wrong password: %d, cookie %v", status, c)
	}
	status, first := login(anonymous, "correct horse")
	if status != 200 || first == nil {
		t.Fatalf("login: %d, cookie %v", status, first)
	}
	if !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Path != "/" || first.MaxAge <= 0 {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/ and an expiry", first)
	}
	status, body := e.do("GET", "/api/v1/me", cookie(first), "")
	var me meResponse
	json.Unmarshal(body, &me)
	if status != 200 || me.Name != "xiaoli" || len(me.Shops) != 0 {
		t.Fatalf("me = %d %s", status, body)
	}

	// Logging in again with the old cookie issues a new id and kills the old.
	_, second := login(cookie(first), "correct horse")
	if second == nil || second.Value == first.Value {
		t.Fatalf("second login cookie %v: want a new id", second)
	}
	if status, _ := e.do("GET", "/api/v1/me", cookie(first), ""); status != 401 {
		t.Errorf("old session after a new login: %d, want 401", status)
	}
	if status, _ := e.do("POST", "/api/v1/logout", cookie(second), ""); status != 204 {
		t.Errorf("logout: %d", status)
	}
	if status, _ := e.do("GET", "/api/v1/me", cookie(second), ""); status != 401 {
		t.Errorf("after logout: %d, want 401", status)
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Origins = []string{"https://desk.example.com"} })
	agent := e.login(kb.RoleAgent)
	tests := []struct {
		name   string
		origin string
		fetch  string // Sec-Fetch-Site
		want   int
	}{
		{name: "same origin", origin: e.ts.URL, fetch: "same-origin", want: 200},
		{name: "a foreign page", origin: "https://evil.example", fetch: "cross-site", want: 403},
		{name: "a look-alike of an allowed origin", origin: "https://desk.example.com.evil.com", fetch: "cross-site", want: 403},
		{name: "an allowed origin", origin: "https://desk.example.com", fetch: "cross-site", want: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("POST", "/api/v1/shops/1/conversations/c1/turns", func(r *http.Request) {
				r.AddCookie(agent)
				r.Header.Set("Origin", tt.origin)
				r.Header.Set("Sec-Fetch-Site", tt.fetch)
			}, `{"role":"buyer","text":"在吗"}`)
			if status != tt.want {
				t.Errorf("status %d %s, want %d", status, body, tt.want)
			}
		})
	}
}

func TestLoginIsThrottledAfterWrongPasswords(t *testing.T) {
	e := newEnv(t)
	if _, err := e.store.CreateUser(t.Context(), "xiaoli", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	e.srv.logins.now = func() time.Time { return now }
	login := func(name, password string) (int, string, string) {
		res, err := http.Post(e.ts.URL+"/api/v1/login", "application/json",
			strings.NewReader(`{"name":"`+name+`","password":"`+password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Retry-After"), string(b)
	}
	// A success clears earlier failures.
	for range loginFailures - 1 {
		login("xiaoli", "guess")
	}
	if status, _, _ := login("xiaoli", "correct horse"); status != 200 {
		t.Fatalf("right password after %d wrong ones: %d", loginFailures-1, status)
	}
	for i := range loginFailures {
		if status, _, _ := login("xiaoli", "guess"); status != 401 {
			t.Fatalf("wrong password %d: %d, want 401", i+1, status)
		}
	}
	// Now even the right password waits, and the answer says how long.
	status, retry, body := login("XiaoLi", "correct horse")
	if status != 429 || retry != "901" || !strings.Contains(body, "too_many_requests") {
		t.Fatalf("after %d failures: %d, Retry-After %q, %s; want 429, 901 s", loginFailures, status, retry, body)
	}
	// Another name is not held back.
	if _, err := e.store.CreateUser(t.Context(), "xiaowang", "battery staple", false); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := login("xiaowang", "battery staple"); status != 200 {
		t.Errorf("another user while xiaoli waits: %d", status)
	}
	now = now.Add(loginWindow)
	if status, _, _ := login("xiaoli", "correct horse"); status != 200 {
		t.Errorf("after the window: %d, want 200", status)
	}
}

// A store without the shared counts gets them in memory, bounded.
func TestLoginThrottleMemoryIsBounded(t *testing.T) {
	mem := newMemFailures()
	th := newLoginThrottle(mem)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	th.now = func() time.Time { return now }
	for i := range throttleKeys + 500 {
		now = now.Add(time.Millisecond)
		th.failed(t.Context(), "name-"+strconv.Itoa(i))
	}
	if n := len(mem.seen); n > throttleKeys {
		t.Errorf("%d names held, want at most %d", n, throttleKeys)
	}
	for range loginFailures {
		th.failed(t.Context(), "target")
	}
	if wait, _ := th.wait(t.Context(), "target"); wait <= 0 {
		t.Error("a name with too many failures may still try after a flood of other names")
	}
}
