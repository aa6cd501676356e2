package web

import "net/http"

func (s *Server) me(w http.ResponseWriter, r *http.Request, p *principal) error {
	writeJSON(w, http.StatusOK, meOf(p.User))
	return nil
}
