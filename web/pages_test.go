package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"assist/kb"
)

func TestPages(t *testing.T) {
	e := newEnv(t)
	agent := e.login(kb.RoleAgent)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name     string
		path     string
		session  bool
		status   int
		location string
		body     string
	}{
		{name: "the panel, logged out", path: "/", status: 303, location: "/login?next=%2F"},
		{name: "the demo, logged out", path: "/demo", status: 303, location: "/login?next=%2Fdemo"},
		{name: "the login page", path: "/login", status: 200, body: "<form"},
		{name: "the panel", path: "/", session: true, status: 200, body: "<html"},
		{name: "the demo", path: "/demo", session: true, status: 200, body: "<html"},
		{name: "a stylesheet", path: "/static/panel.css", status: 200},
		{name: "a missing asset", path: "/static/nope.js", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.ts.URL+tt.path, nil)
			if tt.session {
				req.AddCookie(agent)
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.location != "" && res.Header.Get("Location") != tt.location {
				t.Errorf("Location %q, want %q", res.Header.Get("Location"), tt.location)
			}
			if tt.body != "" && !strings.Contains(string(b), tt.body) {
				t.Errorf("body does not hold %q", tt.body)
			}
			h := res.Header
			if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") ||
				!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'self'") ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
				t.Errorf("security headers missing: %v", h)
			}
		})
	}
}
