package web

import (
	"net/http"
	"strings"
	"testing"

	"assist/kb"
)

// A page that is not exactly the server's own origin (or one allowed
// exactly) may not post with an agent's cookie, however close its Origin
// looks. Browsers too old for Sec-Fetch-Site send only Origin.
func TestPostsWithASessionNeedTheExactOrigin(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Origins = []string{"https://desk.example.com"} })
	agent := e.login(kb.RoleAgent)
	host := strings.TrimPrefix(e.ts.URL, "http://")
	tests := []struct {
		name   string
		origin string
		fetch  string // Sec-Fetch-Site; "" when the browser does not send it
		want   int
	}{
		{name: "the server's own origin", origin: e.ts.URL, want: 200},
		{name: "an allowed origin", origin: "https://desk.example.com", want: 200},
		{name: "no Origin: a program, not a page", want: 200},
		{name: "https on the same host", origin: "https://" + host, want: 403},
		{name: "ws on the same host", origin: "ws://" + host, want: 403},
		{name: "a user part before the host", origin: "http://evil@" + host, want: 403},
		{name: "a path after the host", origin: e.ts.URL + "/evil", want: 403},
		{name: "a trailing slash", origin: e.ts.URL + "/", want: 403},
		{name: "the opaque origin", origin: "null", want: 403},
		{name: "an allowed origin over http", origin: "http://desk.example.com", want: 403},
		{name: "an allowed origin with a user", origin: "https://x@desk.example.com", want: 403},
		{name: "no Origin but sent from another site", fetch: "cross-site", want: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("POST", shopPath("/conversations/c1/turns"), func(r *http.Request) {
				r.AddCookie(agent)
				if tt.origin != "" {
					r.Header.Set("Origin", tt.origin)
				}
				if tt.fetch != "" {
					r.Header.Set("Sec-Fetch-Site", tt.fetch)
				}
			}, `{"role":"buyer","text":"在吗"}`)
			if status != tt.want {
				t.Fatalf("Origin %q: %d %s, want %d", tt.origin, status, body, tt.want)
			}
			if status == 403 && errorOfBody(t, body).Reason == "" {
				t.Errorf("403 without a reason: %s", body)
			}
		})
	}
}
