package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"assist/kb"
)

// originPolicy decides which browser origins may talk to the server: its own
// and an exact allow-list. Look-alikes such as app.example.com.evil.com and
// the opaque origin "null" are foreign.
type originPolicy struct {
	allowed map[string]bool
}

func newOriginPolicy(list []string) (originPolicy, error) {
	o := originPolicy{allowed: map[string]bool{}}
	for _, raw := range list {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		norm, ok := normalizeOrigin(raw)
		if !ok {
			return o, fmt.Errorf("origin %q: want scheme://host[:port], e.g. https://chat.example.com", raw)
		}
		o.allowed[norm] = true
	}
	return o, nil
}

// normalizeOrigin lower-cases scheme and host and drops a default port, so
// that equal origins compare equal as strings. A configured origin may end
// in "/"; use originHeader for what a browser sent.
func normalizeOrigin(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" ||
		(u.Path != "" && u.Path != "/") || u.Host == "" || strings.HasSuffix(u.Host, ":") {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	return scheme + "://" + hostWithoutDefaultPort(scheme, u.Host), true
}

func hostWithoutDefaultPort(scheme, host string) string {
	host = strings.ToLower(host)
	if scheme == "http" {
		return strings.TrimSuffix(host, ":80")
	}
	return strings.TrimSuffix(host, ":443")
}

// own is the origin the request was addressed to.
func own(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + hostWithoutDefaultPort(scheme, r.Host)
}

// checkSocket guards a WebSocket upgrade against cross-site hijacking: a
// browser always sends Origin, so a session without one is refused; an
// integration with a Bearer token and no Origin is a server, not a page.
func (o originPolicy) checkSocket(r *http.Request, p *principal) error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		if p.Role == roleToken {
			return nil
		}
		return kb.Errorf(kb.EForbidden, "WebSocket without an Origin header refused")
	}
	if o.admits(r, origin) {
		return nil
	}
	return kb.Errorf(kb.EForbidden, "origin %q is not allowed: start the server with -origins to allow it", clip(origin))
}

// admits reports whether an Origin header, exactly as a browser sends it
// (scheme://host[:port], no path, no user), is the server's own or allowed.
// Anything else, a look-alike scheme (https on an http server, ws), a user
// part or a path, is foreign.
func (o originPolicy) admits(r *http.Request, origin string) bool {
	if strings.HasSuffix(origin, "/") {
		return false
	}
	norm, ok := normalizeOrigin(origin)
	return ok && (norm == own(r) || o.allowed[norm])
}

// checkUnsafe refuses a cross-origin browser request that could change
// something (any method but GET, HEAD, OPTIONS), so a foreign page cannot act
// with an agent's cookie. Browsers send Origin with every such request; a
// request without it is a program (curl, an integration), unless
// Sec-Fetch-Site says a browser sent it from another site.
func (o originPolicy) checkUnsafe(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		switch r.Header.Get("Sec-Fetch-Site") {
		case "", "same-origin", "none":
			return nil
		}
		return kb.Errorf(kb.EForbidden, "cross-site request refused: open the page from this server")
	}
	if o.admits(r, origin) {
		return nil
	}
	return kb.Errorf(kb.EForbidden, "origin %q may not change anything here: use the pages of this server, "+
		"or start it with -origins to allow that origin exactly", clip(origin))
}
