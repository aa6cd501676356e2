package web

import (
	"net/http"
	"time"

	"assist/assistant"
	"assist/kb"
)

type turnRequest struct {
	Role    string `json:"role"`
	Text    string `json:"text"`
	Product string `json:"product"`
	At      string `json:"at"`
}

// turn decodes the request's fields into an engine turn. Whether the role
// and product fit the shop is the Desk's to say.
func (req turnRequest) turn() (assistant.Turn, error) {
	t := assistant.Turn{Role: assistant.Role(req.Role), Text: req.Text, Product: req.Product}
	if err := validText(req.Text); err != nil {
		return t, err
	}
	if req.At != "" {
		at, err := time.Parse(time.RFC3339, req.At)
		if err != nil {
			return t, kb.Errorf(kb.EInvalid, "at %q: want RFC 3339, e.g. 2026-11-23T10:00:00+08:00", clip(req.At))
		}
		t.At = at
	}
	return t, nil
}

// postTurn is POST /api/v1/shops/{shop}/conversations/{id}/turns: the Desk
// answers the turn, commits it and pushes it; the answer is the suggestion
// set exactly as stored.
func (s *Server) postTurn(w http.ResponseWriter, r *http.Request, p *principal) error {
	conv := r.PathValue("id")
	if err := validConversationID(conv); err != nil {
		return err
	}
	var req turnRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	t, err := req.turn()
	if err != nil {
		return err
	}
	_, data, err := s.desk.Turn(r.Context(), p.Shop, conv, t, p.Name)
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, data)
	return nil
}
