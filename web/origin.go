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
	cop     *http.CrossOriginProtection
}

func newOriginPolicy(list []string) (originPolicy, error) {
	o := originPolicy{allowed: map[string]bool{}, cop: http.NewCrossOriginProtection()}
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
		if err := o.cop.AddTrustedOrigin(norm); err != nil {
			return o, fmt.Errorf("origin %q: %w", raw, err)
		}
	}
	return o, nil
}

// normalizeOrigin lower-cases scheme and host and drops a default port, so
// that equal origins compare equal as strings.
func normalizeOrigin(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" ||
		(u.Path != "" && u.Path != "/") || u.Host == "" {
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
	norm, ok := normalizeOrigin(origin)
	if ok && (norm == own(r) || o.allowed[norm]) {
		return nil
	}
	return kb.Errorf(kb.EForbidden, "origin %q is not allowed: start the server with -origins to allow it", clip(origin))
}

// checkUnsafe refuses a cross-origin browser request that could change
// something (any method but GET, HEAD, OPTIONS), so a foreign page cannot act
// with an agent's cookie.
func (o originPolicy) checkUnsafe(r *http.Request) error {
	if err := o.cop.Check(r); err != nil {
		return kb.Errorf(kb.EForbidden, "cross-origin request refused")
	}
	return nil
}
