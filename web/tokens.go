package web

import (
	"net/http"
	"strconv"
	"time"

	"assist/kb"
)

// tokenLine is an API token as an admin sees it: never its secret, which
// is shown once, when the token is made (assist token create).
type tokenLine struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// listTokens is GET /api/v1/shops/{shop}/tokens: the shop's integrations.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p *principal) error {
	list, err := s.store.ShopTokens(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := make([]tokenLine, len(list))
	for i, t := range list {
		out[i] = tokenLine{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt}
	}
	writeJSON(w, http.StatusOK, struct {
		Tokens []tokenLine `json:"tokens"`
	}{out})
	return nil
}

// revokeToken is DELETE /api/v1/shops/{shop}/tokens/{id}: the token is
// refused from now on, and the sockets it holds open are closed at once,
// on every instance of a shared store.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return kb.Errorf(kb.EInvalid, "令牌编号 %q 不是正整数 (token id: want a positive integer)", clip(r.PathValue("id")))
	}
	t, err := s.store.RevokeShopToken(r.Context(), p.Shop, id)
	if err != nil {
		return err
	}
	s.closeEverywhere(r.Context(), kb.SocketClosing{Token: t.ID, Reason: "API token revoked"})
	writeJSON(w, http.StatusOK, tokenLine{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt})
	return nil
}
