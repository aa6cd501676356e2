package web

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"assist/kb"
)

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// loginGate bounds the CPU that logins may take. A password check is slow
// on purpose (PBKDF2, tens of milliseconds of one core); without a bound,
// a few wrong logins a second keep every core hashing and turns wait.
// Checks run in a small pool of hashers, a login waits for a free one for a
// short while, and each address has a budget of tries.
type loginGate struct {
	hashers chan struct{} // one token per check that may run at once
	wait    time.Duration // how long a login waits for a hasher
	addrs   *addrBudget
	running atomic.Int32
	peak    atomic.Int32 // the most checks that ever ran at once
}

// loginWait is how long a login waits for a free hasher before it is
// asked to try again: long enough for a queue of legitimate logins, short
// enough that a flood does not pile up waiting requests.
const loginWait = 2 * time.Second

// newLoginGate makes a gate with the given number of hashers; 0 means a
// quarter of the cores, at least one, so that logins never take more than
// a quarter of the machine (all of one core on a small one).
func newLoginGate(hashers int) *loginGate {
	if hashers <= 0 {
		hashers = max(1, runtime.GOMAXPROCS(0)/4)
	}
	return &loginGate{hashers: make(chan struct{}, hashers), wait: loginWait, addrs: newAddrBudget()}
}

// check runs one password check in the pool, or says when to try again.
func (g *loginGate) check(ctx context.Context, f func() error) error {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.hashers <- struct{}{}:
	case <-t.C:
		return retryLater(1, "the server is busy checking other logins; try again in 1 s")
	case <-ctx.Done():
		return kb.Errorf(kb.ETooMany, "login abandoned while waiting: %v", ctx.Err())
	}
	defer func() { <-g.hashers }()
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	return f()
}

// retryError is a 429 whose answer carries Retry-After.
type retryError struct {
	err   *kb.Error
	after int // seconds
}

func retryLater(secs int, format string, args ...any) error {
	return &retryError{err: kb.Errorf(kb.ETooMany, format, args...), after: secs}
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// login checks name and password and starts a new session. A session id the
// browser already held is deleted: every login gets a fresh id, so an id
// planted before login is worth nothing after it.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *principal) error {
	var req loginRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	user, err := s.checkLogin(r, req)
	if re, ok := err.(*retryError); ok {
		w.Header().Set("Retry-After", strconv.Itoa(re.after))
	}
	if err != nil {
		return err
	}
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := s.store.DeleteSession(r.Context(), old.Value); err != nil {
			return err
		}
		s.closeEverywhere(r.Context(), kb.SocketClosing{SessionHash: sessionHash(old.Value), Reason: "logged out"})
	}
	id, sess, err := s.store.CreateSession(r.Context(), user, s.sessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(s.sessionTTL.Seconds()), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	writeJSON(w, http.StatusOK, meOf(user))
	return nil
}

// checkLogin passes the login through the name's throttle, the address's
// budget and the pool of hashers, in that order, so that a refused try
// costs no hashing and a try refused for its name costs the address nothing.
func (s *Server) checkLogin(r *http.Request, req loginRequest) (*kb.User, error) {
	wait, err := s.logins.wait(r.Context(), req.Name)
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		secs := int(wait.Seconds()) + 1
		return nil, retryLater(secs, "too many wrong passwords for %q; try again in %d s", clip(req.Name), secs)
	}
	addr := s.proxies.clientAddr(r)
	if wait = s.gate.addrs.take(addr); wait > 0 {
		secs := int(wait.Seconds()) + 1
		return nil, retryLater(secs, "too many logins from %s; try again in %d s", addr, secs)
	}
	var user *kb.User
	err = s.gate.check(r.Context(), func() error {
		var err error
		user, err = s.store.Authenticate(r.Context(), req.Name, req.Password)
		return err
	})
	if kb.ErrorCode(err) == kb.EUnauthorized {
		// The caller's answer is the 401 either way; a count the store
		// could not keep is logged, not turned into a 500.
		if err := s.logins.failed(r.Context(), req.Name); err != nil {
			s.log.Warn("login throttle: count a failure", "name", clip(req.Name), "err", err)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.logins.succeeded(r.Context(), req.Name); err != nil {
		s.log.Warn("login throttle: clear after a success", "name", clip(req.Name), "err", err)
	}
	s.gate.addrs.refund(addr)
	return user, nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.store.DeleteSession(r.Context(), p.sessionID); err != nil {
		return err
	}
	s.closeEverywhere(r.Context(), kb.SocketClosing{SessionHash: sessionHash(p.sessionID), Reason: "logged out"})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
