package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"assist/kb"
)

const (
	sessionCookie = "assist_session"
	// roleToken is the pseudo-role of a chat platform integration's API
	// token, within the one shop the token belongs to.
	roleToken kb.Role = "token"
	// roleOwner is a server-wide owner, on the routes that manage shops.
	roleOwner kb.Role = "owner"
	// public marks a route anyone may call.
	public kb.Role = "public"
	// person marks a route any logged-in person may call, whatever shops
	// they belong to (their own account, the list of their shops).
	person kb.Role = "person"
)

// principal is who is calling: a logged-in person or an integration, and,
// on a route under /api/v1/shops/{shop}/, their role in that shop.
type principal struct {
	Name      string   // the user's name, or "token:NAME"
	User      *kb.User // nil for a token
	Token     *kb.APIToken
	Shop      int64     // the shop the route addresses; 0 on routes outside shops
	Role      kb.Role   // the role in Shop (roleToken for a token); "" outside shops
	sessionID string    // the cookie's value for a person
	secret    string    // a token's secret, to check it again on every socket frame
	expires   time.Time // the session's end; zero for a token
}

// person reports whether the caller is a logged-in user (events need one).
func (p *principal) person() bool { return p != nil && p.User != nil }

// expired reports whether a person's session has ended by now.
func (p *principal) expired(now time.Time) bool { return !p.expires.IsZero() && !now.Before(p.expires) }

// handlerFunc is a route: it may return an error, which becomes the JSON
// error answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *principal) error

// handle registers a route that only the listed roles may call. A route
// whose pattern holds {shop} is a shop's: the caller's role is their role in
// that shop, so an admin of one shop is nobody in another, and a token
// reaches only its own shop.
func (s *Server) handle(pattern string, h handlerFunc, roles ...kb.Role) {
	if len(roles) == 0 {
		panic("web: route " + pattern + " allows nobody")
	}
	inShop := strings.Contains(pattern, "{shop}")
	s.patterns = append(s.patterns, pattern)
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
			if inShop {
				err = p.enter(r.PathValue("shop"))
				// An owner manages every shop's people without being one of them.
				if kb.ErrorCode(err) == kb.EForbidden && p.person() && p.User.Owner && slices.Contains(roles, roleOwner) {
					err = nil
				}
			}
			if err == nil {
				err = p.allowed(roles, pattern)
			}
			if err != nil {
				writeError(w, r, s.log, err)
				return
			}
		}
		if err := h(w, r, p); err != nil {
			writeError(w, r, s.log, err)
		}
	})
}

// enter sets the caller's role in the shop a route addresses.
func (p *principal) enter(shopParam string) error {
	shop, err := strconv.ParseInt(shopParam, 10, 64)
	if err != nil || shop <= 0 {
		return kb.Errorf(kb.EInvalid, "店铺编号 %q 不对:应为正整数 (shop id %q: want a positive number)", clip(shopParam), clip(shopParam))
	}
	p.Shop = shop
	if p.Token != nil {
		if p.Token.Shop != shop {
			return kb.Errorf(kb.EForbidden, "this API token belongs to another shop")
		}
		p.Role = roleToken
		return nil
	}
	if p.Role = p.User.RoleIn(shop); p.Role == "" {
		return kb.Errorf(kb.EForbidden, "你不是店铺 %d 的成员,请让店主把你加入该店 (you are not a member of shop %d)", shop, shop)
	}
	return nil
}

// allowed checks the caller's role against the route's list.
func (p *principal) allowed(roles []kb.Role, pattern string) error {
	switch {
	case slices.Contains(roles, person) && p.person():
		return nil
	case slices.Contains(roles, roleOwner) && p.person() && p.User.Owner:
		return nil
	case p.Role != "" && slices.Contains(roles, p.Role):
		return nil
	}
	return kb.Errorf(kb.EForbidden, "%s may not call %s", describe(p), pattern)
}

func describe(p *principal) string {
	switch {
	case p.Token != nil:
		return "an API token"
	case p.Role != "":
		return "role " + string(p.Role)
	case p.User != nil && p.User.Owner:
		return "an owner"
	}
	return "a person outside shops"
}

// authenticate reads the caller from a Bearer token or the session cookie,
// afresh from the store each time: users, roles and tokens added or removed
// while the server runs count at once. A token is the exception on a store of
// its own: found, it is trusted for up to a second (tokenFresh), except after
// a revocation this server hears of.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return nil, kb.Errorf(kb.EUnauthorized, "Authorization: want Bearer TOKEN")
		}
		secret = strings.TrimSpace(secret)
		var tok *kb.APIToken
		var err error
		if s.tokens != nil {
			tok, err = s.tokens.lookup(r.Context(), secret, s.store.TokenBySecret)
		} else {
			tok, err = s.store.TokenBySecret(r.Context(), secret)
		}
		if err != nil {
			return nil, err
		}
		return &principal{Name: "token:" + tok.Name, Token: tok, secret: secret}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, kb.Errorf(kb.EUnauthorized, "请先登录 (log in, or send Authorization: Bearer TOKEN)")
	}
	sess, err := s.store.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return &principal{Name: sess.User.Name, User: &sess.User, sessionID: c.Value, expires: sess.ExpiresAt}, nil
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
	return &principal{Name: sess.User.Name, User: &sess.User, sessionID: c.Value, expires: sess.ExpiresAt}
}
