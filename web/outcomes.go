package web

import (
	"net/http"

	"assist/kb"
)

// postOutcome is POST /api/v1/shops/{shop}/outcomes: the chat platform
// reports what happened after a conversation (an order paid, a refund, a
// dispute, a review). The platform's id makes it idempotent: the first post
// answers 201, the same outcome again 200 (counted once), a different
// outcome under a used id 409.
func (s *Server) postOutcome(w http.ResponseWriter, r *http.Request, p *principal) error {
	if _, err := s.reviewStore(); err != nil {
		return err
	}
	var o kb.Outcome
	if err := decodeBody(w, r, &o); err != nil {
		return err
	}
	created, err := s.review.AddOutcome(r.Context(), p.Shop, &o)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, struct {
		ID      string `json:"id"`
		Created bool   `json:"created"`
	}{o.ID, created})
	return nil
}
