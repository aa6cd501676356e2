package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The way back after logging in leads only to a page of this server. The
// browser drops tabs and line breaks from a URL and reads a backslash as a
// slash, so "/\t/evil.example/" is "//evil.example/", another site.
func TestLoginLeadsOnlyBackToThisSite(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)

	tests := []struct {
		name, next, want string // want: the path and query landed on
	}{
		{name: "a tab before a second slash", next: "/%09/evil.example/", want: "/"},
		{name: "a line feed before a second slash", next: "/%0A/evil.example/", want: "/"},
		{name: "a carriage return before a second slash", next: "/%0D/evil.example/", want: "/"},
		{name: "a backslash", next: "/%5Cevil.example/", want: "/"},
		{name: "a tab and a backslash", next: "/%09%5Cevil.example/", want: "/"},
		{name: "two slashes", next: "//evil.example/", want: "/"},
		{name: "another scheme", next: "javascript:alert(1)", want: "/"},
		{name: "a full URL", next: "https://evil.example/", want: "/"},
		{name: "a page of this site", next: "/demo?x=1", want: "/demo?x=1"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := app.url + "/login?next=" + tt.next
			if i == 0 {
				// Logged out: the form; afterwards the page sees the
				// session and moves on by itself, through the same check.
				do(t, ctx, "log in",
					chromedp.Navigate(start),
					chromedp.WaitVisible(chromedp.CSS(`form#login`)),
					chromedp.SendKeys(chromedp.CSS(`input[name=name]`), app.agent),
					chromedp.SendKeys(chromedp.CSS(`input[name=password]`), app.password),
					chromedp.Click(chromedp.CSS(`form#login button[type=submit]`)))
			} else {
				do(t, ctx, "open the login page", chromedp.Navigate(start))
			}
			landed := waitToLeaveLogin(t, ctx)
			u, err := url.Parse(landed)
			if err != nil || u.Scheme+"://"+u.Host != app.url || u.RequestURI() != tt.want {
				t.Fatalf("next=%s landed on %q, want %s%s", tt.next, landed, app.url, tt.want)
			}
		})
	}
	console.check(t)
}

// waitToLeaveLogin waits until the browser is on another page than
// /login and returns its URL.
func waitToLeaveLogin(t *testing.T, ctx context.Context) string {
	t.Helper()
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && !strings.Contains(loc, "/login") {
			return loc
		}
		select {
		case <-ctx.Done():
			t.Fatalf("still on %q: %v", loc, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
