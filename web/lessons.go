package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"assist/assistant"
	"assist/assistant/cues"
	"assist/kb"
)

// The learning loop (issue 15): an agent flags a turn, a knowledge admin
// accepts the flag as a labelled example or a cue word (or rejects it), and
// the shop's next turn uses what was accepted.

const maxCueRunes = 16

type categoryLine struct {
	Category string `json:"category"` // kind.name, as flags and cue words name it
	Kind     string `json:"kind"`
	Label    string `json:"label"`
	Role     string `json:"role"` // whose turns it is read in
}

func (s *Server) categoryLines() []categoryLine {
	var out []categoryLine
	for _, c := range s.desk.Categories() {
		role := "buyer"
		if c.Kind == cues.Admission || c.Kind == cues.Wording {
			role = "agent"
		}
		out = append(out, categoryLine{Category: string(c.Kind) + "." + c.Name, Kind: string(c.Kind), Label: c.Label, Role: role})
	}
	return out
}

// listCategories is GET S/categories: what a flag may say should have been
// raised.
func (s *Server) listCategories(w http.ResponseWriter, r *http.Request, _ *principal) error {
	writeJSON(w, http.StatusOK, struct {
		Categories []categoryLine `json:"categories"`
	}{s.categoryLines()})
	return nil
}

type flagRequest struct {
	Conversation string `json:"conversation"`
	Turn         int    `json:"turn"`
	Kind         string `json:"kind"`     // missed or wrong
	Category     string `json:"category"` // kind.name
}

// postFlag is POST S/flags: an agent says a turn should have nudged, or that
// a nudge it raised is wrong. The turn's text comes from the store, never
// from the request.
func (s *Server) postFlag(w http.ResponseWriter, r *http.Request, p *principal) error {
	var req flagRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if err := validConversationID(req.Conversation); err != nil {
		return err
	}
	kind := kb.FlagKind(req.Kind)
	if kind != kb.FlagMissed && kind != kb.FlagWrong {
		return kb.Errorf(kb.EInvalid, "kind %q: want missed (应该提醒) or wrong (提醒不对)", clip(req.Kind))
	}
	stored, err := s.store.Turn(r.Context(), p.Shop, req.Conversation, req.Turn)
	if kb.ErrorCode(err) == kb.ENotFound {
		return kb.Errorf(kb.EInvalid, "会话 %q 没有第 %d 句 (no such turn)", req.Conversation, req.Turn+1)
	}
	if err != nil {
		return err
	}
	var line *categoryLine
	for _, c := range s.categoryLines() {
		if c.Category == req.Category {
			line = &c
			break
		}
	}
	if line == nil || line.Role != stored.Role {
		return kb.Errorf(kb.EInvalid, "category %q: not a kind of nudge read in a %s's turn", clip(req.Category), stored.Role)
	}
	if kind == kb.FlagWrong && !raised(stored.Suggestions, req.Category) {
		return kb.Errorf(kb.EInvalid, "这一句没有出现“%s”提醒 (turn %d raised no %s nudge)", line.Label, req.Turn, req.Category)
	}
	f := &kb.Flag{Shop: p.Shop, Conversation: req.Conversation, Turn: req.Turn, Kind: kind, Category: req.Category,
		Role: stored.Role, Text: stored.Text, FlaggedBy: p.Name}
	id, err := s.store.AddFlag(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		ID int64 `json:"id"`
	}{id})
	return nil
}

// raised reports whether a stored suggestion set holds a nudge of category.
func raised(data []byte, category string) bool {
	var sugg assistant.Suggestions
	if json.Unmarshal(data, &sugg) != nil {
		return false
	}
	for _, n := range sugg.Nudges {
		if n.Kind+"."+n.Category == category {
			return true
		}
	}
	return false
}

type flagLine struct {
	ID           int64  `json:"id"`
	Conversation string `json:"conversation"`
	Turn         int    `json:"turn"`
	Kind         string `json:"kind"`
	Category     string `json:"category"`
	Role         string `json:"role"`
	Text         string `json:"text"`
	FlaggedBy    string `json:"flagged_by"`
	At           string `json:"at"`
	Status       string `json:"status"`
	DecidedBy    string `json:"decided_by,omitempty"`
	LearnedAs    string `json:"learned_as,omitempty"`
}

// listFlags is GET S/admin/flags?status=open|accepted|rejected (default
// open): the queue of the shop's flags, newest first.
func (s *Server) listFlags(w http.ResponseWriter, r *http.Request, p *principal) error {
	status := r.URL.Query().Get("status")
	switch status {
	case "":
		status = kb.FlagOpen
	case "all":
		status = ""
	case kb.FlagOpen, kb.FlagAccepted, kb.FlagRejected:
	default:
		return kb.Errorf(kb.EInvalid, "status %q: want open, accepted, rejected or all", clip(status))
	}
	flags, err := s.store.Flags(r.Context(), p.Shop, status, 200)
	if err != nil {
		return err
	}
	out := make([]flagLine, len(flags))
	for i, f := range flags {
		out[i] = flagLine{ID: f.ID, Conversation: f.Conversation, Turn: f.Turn, Kind: string(f.Kind), Category: f.Category,
			Role: f.Role, Text: f.Text, FlaggedBy: f.FlaggedBy, At: f.At.Format("2006-01-02T15:04:05Z07:00"), Status: f.Status,
			DecidedBy: f.DecidedBy, LearnedAs: f.LearnedAs}
	}
	writeJSON(w, http.StatusOK, struct {
		Flags []flagLine `json:"flags"`
	}{out})
	return nil
}

type decideRequest struct {
	Decision string `json:"decision"` // accept or reject
	As       string `json:"as"`       // example or cue, when accepting
	Word     string `json:"word"`     // the cue word, a part of the flagged line
}

// decideFlag is POST S/admin/flags/{id}: accept (as an example or a cue
// word) or reject. An accepted flag changes the shop's next turn.
func (s *Server) decideFlag(w http.ResponseWriter, r *http.Request, p *principal) error {
	id, err := strconv.ParseInt(r.PathValue("flag"), 10, 64)
	if err != nil || id <= 0 {
		return kb.Errorf(kb.EInvalid, "flag id %q: want a number", clip(r.PathValue("flag")))
	}
	var req decideRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	d := kb.FlagDecision{By: p.Name, As: req.As, Word: strings.TrimSpace(req.Word)}
	switch req.Decision {
	case "accept":
		d.Accept = true
		if req.As != "example" && req.As != "cue" {
			return kb.Errorf(kb.EInvalid, "as %q: want example (整句作为例句) or cue (其中的词作为提示词)", clip(req.As))
		}
		if req.As == "cue" && (d.Word == "" || utf8.RuneCountInString(d.Word) > maxCueRunes) {
			return kb.Errorf(kb.EInvalid, "word: want 1 to %d characters of the flagged line", maxCueRunes)
		}
	case "reject":
	default:
		return kb.Errorf(kb.EInvalid, "decision %q: want accept or reject", clip(req.Decision))
	}
	f, err := s.store.DecideFlag(r.Context(), p.Shop, id, d)
	if err != nil {
		return err
	}
	if _, err := s.desk.Knowledge(r.Context(), p.Shop); err != nil {
		return fmt.Errorf("flag %d decided but the shop did not reload (its next turn will try again): %w", id, err)
	}
	writeJSON(w, http.StatusOK, flagLine{ID: f.ID, Conversation: f.Conversation, Turn: f.Turn, Kind: string(f.Kind),
		Category: f.Category, Role: f.Role, Text: f.Text, FlaggedBy: f.FlaggedBy, Status: f.Status, DecidedBy: f.DecidedBy,
		LearnedAs: f.LearnedAs})
	return nil
}

type cueLine struct {
	Word     string `json:"word"`
	Category string `json:"category"`
	Enabled  bool   `json:"enabled"`
}

// listCues is GET S/admin/cues: the shop's own cue words and turned-off
// built-in ones, with the categories they may name.
func (s *Server) listCues(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := []cueLine{}
	for _, c := range shop.Lessons.Cues {
		out = append(out, cueLine{Word: c.Word, Category: c.Category, Enabled: c.Enabled})
	}
	writeJSON(w, http.StatusOK, struct {
		Cues       []cueLine      `json:"cues"`
		Examples   int            `json:"examples"`
		Categories []categoryLine `json:"categories"`
	}{out, len(shop.Lessons.Examples), s.categoryLines()})
	return nil
}

// putCue is PUT S/admin/cues: add a cue word to a category for this shop, or
// turn a built-in one off (enabled false).
func (s *Server) putCue(w http.ResponseWriter, r *http.Request, p *principal) error {
	var req cueLine
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if err := s.validCue(req.Word, req.Category); err != nil {
		return err
	}
	if err := s.store.PutShopCue(r.Context(), p.Shop, kb.ShopCue{Word: strings.TrimSpace(req.Word), Category: req.Category, Enabled: req.Enabled}, p.Name); err != nil {
		return err
	}
	if _, err := s.desk.Knowledge(r.Context(), p.Shop); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

// deleteCue is DELETE S/admin/cues?word=…&category=…: the shop's entry goes.
func (s *Server) deleteCue(w http.ResponseWriter, r *http.Request, p *principal) error {
	word, category := r.URL.Query().Get("word"), r.URL.Query().Get("category")
	if err := s.validCue(word, category); err != nil {
		return err
	}
	if err := s.store.DeleteShopCue(r.Context(), p.Shop, strings.TrimSpace(word), category); err != nil {
		return err
	}
	if _, err := s.desk.Knowledge(r.Context(), p.Shop); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) validCue(word, category string) error {
	word = strings.TrimSpace(word)
	if n := utf8.RuneCountInString(word); n == 0 || n > maxCueRunes {
		return kb.Errorf(kb.EInvalid, "提示词应为 1 到 %d 个字 (word: want 1 to %d characters)", maxCueRunes, maxCueRunes)
	}
	if err := validText(word); err != nil {
		return err
	}
	for _, c := range s.categoryLines() {
		if c.Category == category {
			return nil
		}
	}
	return kb.Errorf(kb.EInvalid, "category %q: not a nudge category (see GET …/categories)", clip(category))
}

type tryRequest struct {
	Role    string `json:"role"`
	Text    string `json:"text"`
	Product string `json:"product"`
}

// tryLine is POST S/admin/try: the tester. A sentence, answered as a turn of
// the shop without being recorded: which nudges fire, on which words, and
// which of the shop's lessons changed that.
func (s *Server) tryLine(w http.ResponseWriter, r *http.Request, p *principal) error {
	var req tryRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if err := validText(req.Text); err != nil {
		return err
	}
	sugg, why, err := s.desk.Try(r.Context(), p.Shop, assistant.Role(req.Role), req.Text, req.Product)
	if err != nil {
		return err
	}
	if why == nil {
		why = []assistant.Lesson{}
	}
	writeJSON(w, http.StatusOK, struct {
		Nudges  []assistant.Nudge     `json:"nudges"`
		Lessons []assistant.Lesson    `json:"lessons"`
		Phrases []assistant.PhraseHit `json:"phrases"`
	}{sugg.Nudges, why, sugg.Phrases})
	return nil
}
