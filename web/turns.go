package web

import (
	"context"
	"encoding/json"
	"fmt"
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

// turn checks the request against the shop and makes it an engine turn.
func (req turnRequest) turn(shop *kb.Shop, now time.Time) (assistant.Turn, error) {
	t := assistant.Turn{Role: assistant.Role(req.Role), Text: req.Text, Product: req.Product, At: now}
	if !t.Role.Valid() {
		return t, kb.Errorf(kb.EInvalid, "role %q: want buyer or agent", clip(req.Role))
	}
	if err := validText(req.Text); err != nil {
		return t, err
	}
	if req.Product != "" {
		if _, ok := shop.Product(req.Product); !ok {
			return t, kb.Errorf(kb.EInvalid, "product %q: no such product in shop %q", clip(req.Product), shop.Name)
		}
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

// postTurn is POST /api/v1/conversations/{id}/turns.
func (s *Server) postTurn(w http.ResponseWriter, r *http.Request, p *principal) error {
	conv := r.PathValue("id")
	if err := validConversationID(conv); err != nil {
		return err
	}
	var req turnRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	t, err := req.turn(s.engine.Shop(), s.store.Now())
	if err != nil {
		return err
	}
	_, data, err := s.addTurn(r.Context(), conv, t, p)
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, data)
	return nil
}

// addTurn is the one path every turn takes, from HTTP or a socket: the
// engine answers it, the turn and its suggestion set are committed, and only
// then is it pushed to the conversation's subscribers, in turn order.
func (s *Server) addTurn(ctx context.Context, conv string, t assistant.Turn, p *principal) (*assistant.Suggestions, []byte, error) {
	var sugg *assistant.Suggestions
	var data []byte
	err := s.withConversation(ctx, conv, func() error {
		sg, err := s.engine.Turn(conv, t)
		if err != nil {
			return err
		}
		if data, err = json.Marshal(sg); err != nil {
			return fmt.Errorf("encode suggestions of %s/%d: %w", conv, sg.Turn, err)
		}
		stored := &kb.StoredTurn{Conversation: conv, Index: sg.Turn, Role: string(t.Role), Text: t.Text,
			Product: t.Product, At: t.At, PostedBy: p.Name, Suggestions: data}
		// The engine has counted the turn by now: finish the write even if
		// the caller hangs up, or memory and store would disagree.
		s.writes.Lock()
		err = s.store.AddTurn(context.WithoutCancel(ctx), stored)
		s.writes.Unlock()
		if err != nil {
			return err
		}
		s.hub.publish(conv, sg, data)
		sugg = sg
		return nil
	})
	return sugg, data, err
}
