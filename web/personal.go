package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"assist/kb"
)

// An agent's personal phrases, kept per shop and seen by their owner only.

type personalRequest struct {
	Title string `json:"title"`
	Text  string `json:"text"`
	Code  string `json:"code"`
}

type personalLine struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	Code      string    `json:"code,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// personalID names a personal phrase among the shop's: "mine-12".
func personalID(id int64) string { return "mine-" + strconv.FormatInt(id, 10) }

func parsePersonalID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "mine-"), 10, 64)
	if err != nil || id <= 0 {
		return 0, kb.Errorf(kb.EInvalid, "个人话术编号 %q 不对,请刷新页面后再试 (bad id)", clip(s))
	}
	return id, nil
}

func lineOf(p *kb.PersonalPhrase) personalLine {
	return personalLine{ID: personalID(p.ID), Title: p.Title, Text: p.Text, Code: p.Code, UpdatedAt: p.UpdatedAt}
}

func (req personalRequest) phrase(p *principal) (*kb.PersonalPhrase, error) {
	if !p.person() {
		return nil, kb.Errorf(kb.EForbidden, "个人话术属于登录的客服,接口令牌不能使用 (a person only)")
	}
	if err := validText(req.Text); err != nil {
		return nil, kb.Errorf(kb.EInvalid, "话术内容不能用:%v", err)
	}
	return &kb.PersonalPhrase{Shop: p.Shop, User: p.User.ID, Title: req.Title, Text: req.Text, Code: req.Code}, nil
}

// listPersonal is GET /api/v1/shops/{shop}/phrases/mine.
func (s *Server) listPersonal(w http.ResponseWriter, r *http.Request, p *principal) error {
	if !p.person() {
		return kb.Errorf(kb.EForbidden, "个人话术属于登录的客服,接口令牌不能使用 (a person only)")
	}
	list, err := s.store.PersonalPhrases(r.Context(), p.Shop, p.User.ID)
	if err != nil {
		return err
	}
	out := make([]personalLine, len(list))
	for i := range list {
		out[i] = lineOf(&list[i])
	}
	writeJSON(w, http.StatusOK, struct {
		Phrases []personalLine `json:"phrases"`
	}{out})
	return nil
}

// addPersonal is POST /api/v1/shops/{shop}/phrases/mine.
func (s *Server) addPersonal(w http.ResponseWriter, r *http.Request, p *principal) error {
	var req personalRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	ph, err := req.phrase(p)
	if err != nil {
		return err
	}
	if err := s.store.AddPersonalPhrase(r.Context(), ph); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, lineOf(ph))
	return nil
}

// putPersonal is PUT /api/v1/shops/{shop}/phrases/mine/{id}.
func (s *Server) putPersonal(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := parsePersonalID(r.PathValue("id"))
	if err != nil {
		return err
	}
	var req personalRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	ph, err := req.phrase(p)
	if err != nil {
		return err
	}
	ph.ID = id
	if err := s.store.UpdatePersonalPhrase(r.Context(), ph); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, lineOf(ph))
	return nil
}

// deletePersonal is DELETE /api/v1/shops/{shop}/phrases/mine/{id}.
func (s *Server) deletePersonal(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := parsePersonalID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if !p.person() {
		return kb.Errorf(kb.EForbidden, "个人话术属于登录的客服,接口令牌不能使用 (a person only)")
	}
	if err := s.store.DeletePersonalPhrase(r.Context(), p.Shop, p.User.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
