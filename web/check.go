package web

import (
	"context"
	"fmt"
	"net/http"

	"assist/assistant"
)

type checkRequest struct {
	Conversation string `json:"conversation"`
	Text         string `json:"text"`
}

// check is POST /api/v1/shops/{shop}/check: an agent's draft looked at
// before it is sent, without being recorded.
func (s *Server) check(w http.ResponseWriter, r *http.Request, p *principal) error {
	var req checkRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	_, data, err := s.checkDraft(r.Context(), p.Shop, req.Conversation, req.Text)
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, data)
	return nil
}

func (s *Server) checkDraft(ctx context.Context, shop int64, conv, text string) (*assistant.Suggestions, []byte, error) {
	if err := validConversationID(conv); err != nil {
		return nil, nil, err
	}
	if err := validText(text); err != nil {
		return nil, nil, err
	}
	sugg, err := s.desk.Check(ctx, shop, conv, text)
	if err != nil {
		return nil, nil, err
	}
	data, err := assistant.EncodeSet(sugg) // json.Marshal's bytes, a fifth of its time
	if err != nil {
		return nil, nil, fmt.Errorf("encode draft check of %s: %w", conv, err)
	}
	return sugg, data, nil
}
