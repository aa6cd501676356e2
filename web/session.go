package web

import (
	"net/http"
	"strconv"

	"assist/kb"
)

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// login checks name and password and starts a new session. A session id the
// browser already held is deleted: every login gets a fresh id, so an id
// planted before login is worth nothing after it.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *principal) error {
	var req loginRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if wait := s.logins.wait(req.Name); wait > 0 {
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return kb.Errorf(kb.ETooMany, "too many wrong passwords for %q; try again in %d s", req.Name, secs)
	}
	user, err := s.store.Authenticate(r.Context(), req.Name, req.Password)
	if kb.ErrorCode(err) == kb.EUnauthorized {
		s.logins.failed(req.Name)
	}
	if err != nil {
		return err
	}
	s.logins.succeeded(req.Name)
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := s.store.DeleteSession(r.Context(), old.Value); err != nil {
			return err
		}
		s.hub.closeSession(old.Value)
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

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.store.DeleteSession(r.Context(), p.sessionID); err != nil {
		return err
	}
	s.hub.closeSession(p.sessionID)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, p *principal) error {
	writeJSON(w, http.StatusOK, meOf(p.User))
	return nil
}
