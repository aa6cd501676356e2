package web

import (
	"encoding/json"
	"net/http"
	"time"
)

// maxListedConversations bounds the conversation list.
const maxListedConversations = 200

type conversationLine struct {
	ID        string    `json:"id"`
	Turns     int       `json:"turns"`
	LastText  string    `json:"last_text"`
	UpdatedAt time.Time `json:"updated_at"`
}

// listConversations is GET /api/v1/conversations, the latest first.
func (s *Server) listConversations(w http.ResponseWriter, r *http.Request, p *principal) error {
	list, err := s.store.Conversations(r.Context(), p.Shop, maxListedConversations)
	if err != nil {
		return err
	}
	out := make([]conversationLine, len(list))
	for i, c := range list {
		out[i] = conversationLine{ID: c.ID, Turns: c.Turns, LastText: c.LastText, UpdatedAt: c.UpdatedAt}
	}
	writeJSON(w, http.StatusOK, struct {
		Conversations []conversationLine `json:"conversations"`
	}{out})
	return nil
}

type turnLine struct {
	Turn        int             `json:"turn"`
	Role        string          `json:"role"`
	Text        string          `json:"text"`
	Product     string          `json:"product"`
	At          time.Time       `json:"at"`
	Suggestions json.RawMessage `json:"suggestions"`
}

// getConversation is GET /api/v1/conversations/{id}: its turns with the
// suggestion sets that were sent for them.
func (s *Server) getConversation(w http.ResponseWriter, r *http.Request, p *principal) error {
	id := r.PathValue("id")
	if err := validConversationID(id); err != nil {
		return err
	}
	turns, err := s.store.Turns(r.Context(), p.Shop, id)
	if err != nil {
		return err
	}
	out := make([]turnLine, len(turns))
	for i, t := range turns {
		out[i] = turnLine{Turn: t.Index, Role: t.Role, Text: t.Text, Product: t.Product, At: t.At, Suggestions: t.Suggestions}
	}
	writeJSON(w, http.StatusOK, struct {
		ID    string     `json:"id"`
		Turns []turnLine `json:"turns"`
	}{id, out})
	return nil
}
