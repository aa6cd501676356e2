package web

import "net/http"

type productLine struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// listProducts is GET /api/v1/products, for the demo page's product picker.
func (s *Server) listProducts(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := make([]productLine, len(shop.Products))
	for i, p := range shop.Products {
		out[i] = productLine{ID: p.ID, Title: p.Title}
	}
	writeJSON(w, http.StatusOK, struct {
		Products []productLine `json:"products"`
	}{out})
	return nil
}
