package web

import "net/http"

type suggestionLine struct {
	SuggestionID string  `json:"suggestion_id"`
	Kind         string  `json:"kind"`
	Shown        int     `json:"shown"`
	Used         int     `json:"used"`
	Dismissed    int     `json:"dismissed"`
	UseRate      float64 `json:"use_rate"`
}

// suggestionReport is GET /api/v1/reports/suggestions: how each suggestion
// fares with the agents.
func (s *Server) suggestionReport(w http.ResponseWriter, r *http.Request, p *principal) error {
	stats, err := s.store.SuggestionReport(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := make([]suggestionLine, len(stats))
	for i, st := range stats {
		out[i] = suggestionLine{SuggestionID: st.SuggestionID, Kind: st.Kind, Shown: st.Shown, Used: st.Used,
			Dismissed: st.Dismissed, UseRate: st.UseRate()}
	}
	writeJSON(w, http.StatusOK, struct {
		Suggestions []suggestionLine `json:"suggestions"`
	}{out})
	return nil
}
