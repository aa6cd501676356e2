package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"assist/assistant"
)

type checkRequest struct {
	Conversation string `json:"conversation"`
	Text         string `json:"text"`
}

// check is POST /api/v1/check: a draft reply is checked before it is sent.
func (s *Server) check(w http.ResponseWriter, r *http.Request, _ *principal) error {
	var req checkRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	_, data, err := s.checkDraft(r.Context(), req.Conversation, req.Text)
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, data)
	return nil
}

// checkDraft asks the engine about a draft in the context of its
// conversation; nothing is recorded.
func (s *Server) checkDraft(ctx context.Context, conv, text string) (*assistant.Suggestions, []byte, error) {
	if err := validConversationID(conv); err != nil {
		return nil, nil, err
	}
	if err := validText(text); err != nil {
		return nil, nil, err
	}
	var sugg *assistant.Suggestions
	err := s.withConversation(ctx, conv, func() error {
		var err error
		sugg, err = s.engine.Check(conv, text, s.store.Now())
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	data, err := json.Marshal(sugg)
	if err != nil {
		return nil, nil, fmt.Errorf("encode draft check of %s: %w", conv, err)
	}
	return sugg, data, nil
}
