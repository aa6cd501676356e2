package web

import (
	"io/fs"
	"net/http"
	"net/url"
)

// page serves one of the embedded HTML pages. Pages that need a session send
// a logged-out visitor to /login, with the way back.
func (s *Server) page(name string, needsLogin bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if needsLogin && s.loggedIn(r) == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		body, err := fs.ReadFile(s.pages, name)
		if err != nil {
			http.Error(w, "page "+name+" is missing from this build", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(body)
	}
}
