package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"assist/kb"
)

const (
	sessionCookie = "assist_session"
	// roleToken is the pseudo-role of a chat platform integration's API
	// token; routes list it next to people's roles.
	roleToken kb.Role = "token"
	// public marks a route anyone may call.
	public kb.Role = "public"
)

// principal is who is calling: a logged-in person or an integration.
type principal struct {
	Name      string // the user's name, or "token:NAME"
	Role      kb.Role
	sessionID string    // the cookie's value for a person
	expires   time.Time // the session's end; zero for a token
}

// person reports whether the caller is a logged-in user (events need one).
func (p *principal) person() bool { return p != nil && p.Role != roleToken }

// expired reports whether a person's session has ended by now.
func (p *principal) expired(now time.Time) bool { return !p.expires.IsZero() && !now.Before(p.expires) }

// handlerFunc is a route: it may return an error, which becomes the JSON
// error answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *principal) error

// handle registers a route that only the listed roles may call.
func (s *Server) handle(pattern string, h handlerFunc, roles ...kb.Role) {
	if len(roles) == 0 {
		panic("web: route " + pattern + " allows nobody")
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := s.origins.checkUnsafe(r); err != nil {
			writeError(w, r, s.log, err)
			return
		}
		var p *principal
		if !slices.Contains(roles, public) {
			var err error
			if p, err = s.authenticate(r); err != nil {
				writeError(w, r, s.log, err)
				return
			}
			if !slices.Contains(roles, p.Role) {
				writeError(w, r, s.log, kb.Errorf(kb.EForbidden, "%s may not call %s", describe(p), pattern))
				return
			}
		}
		if err := h(w, r, p); err != nil {
			writeError(w, r, s.log, err)
		}
	})
}

func describe(p *principal) string {
	if p.Role == roleToken {
		return "an API token"
	}
	return "role " + string(p.Role)
}

// authenticate reads the caller from a Bearer token or the session cookie,
// afresh from the store each time: users and tokens added or removed while
// the server runs count at once.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return nil, kb.Errorf(kb.EUnauthorized, "Authorization: want Bearer TOKEN")
		}
		tok, err := s.store.TokenBySecret(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			return nil, err
		}
		return &principal{Name: "token:" + tok.Name, Role: roleToken}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, kb.Errorf(kb.EUnauthorized, "log in, or send Authorization: Bearer TOKEN")
	}
	sess, err := s.store.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return &principal{Name: sess.User.Name, Role: sess.User.Role, sessionID: c.Value, expires: sess.ExpiresAt}, nil
}

// loggedIn is the session's user for the pages, or nil.
func (s *Server) loggedIn(r *http.Request) *principal {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, err := s.store.Session(r.Context(), c.Value)
	if err != nil {
		return nil
	}
	return &principal{Name: sess.User.Name, Role: sess.User.Role, sessionID: c.Value, expires: sess.ExpiresAt}
}
