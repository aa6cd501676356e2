package web

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"assist/kb"
	"assist/phrases"
)

// Limits on an edited phrase.
const (
	maxPhraseIDLen = 64
	maxTitleRunes  = 100
	maxTags        = 20
	maxTagRunes    = 32
)

type phraseLine struct {
	ID    string   `json:"id"`
	Scene kb.Scene `json:"scene"`
	Title string   `json:"title"`
	Text  string   `json:"text"`
	Tags  []string `json:"tags"`
}

type phraseBody struct {
	Scene string   `json:"scene"`
	Title string   `json:"title"`
	Text  string   `json:"text"`
	Tags  []string `json:"tags"`
}

// listPhrases is GET /api/v1/admin/phrases: the templates, unfilled.
func (s *Server) listPhrases(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := make([]phraseLine, len(shop.Phrases))
	for i, p := range shop.Phrases {
		out[i] = phraseLine{ID: p.ID, Scene: p.Scene, Title: p.Title, Text: p.Text, Tags: nonNil(p.Tags)}
	}
	writeJSON(w, http.StatusOK, struct {
		Phrases []phraseLine `json:"phrases"`
	}{out})
	return nil
}

// putPhrase is PUT /api/v1/admin/phrases/{id}: it stores the phrase in one
// transaction, then reloads the engine so the next turn uses it.
func (s *Server) putPhrase(w http.ResponseWriter, r *http.Request, who *principal) error {
	id := r.PathValue("id")
	if err := validPhraseID(id); err != nil {
		return err
	}
	var body phraseBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	p := kb.Phrase{ID: id, Scene: kb.Scene(body.Scene), Title: strings.TrimSpace(body.Title), Text: body.Text, Tags: nonNil(body.Tags)}
	shop, err := s.desk.Knowledge(r.Context(), who.Shop)
	if err != nil {
		return err
	}
	if err := validPhrase(shop, &p); err != nil {
		return err
	}
	if err := s.store.PutPhrase(r.Context(), who.Shop, p); err != nil {
		return err
	}
	// The edit bumped the shop's version; loading it now means the admin's
	// request pays for the new index, not the shop's next turn.
	if _, err := s.desk.Knowledge(r.Context(), who.Shop); err != nil {
		return fmt.Errorf("phrase %q is stored but the shop did not reload (its next turn will try again): %w", id, err)
	}
	writeJSON(w, http.StatusOK, phraseLine{ID: p.ID, Scene: p.Scene, Title: p.Title, Text: p.Text, Tags: p.Tags})
	return nil
}

func validPhraseID(id string) error {
	if id == "" || len(id) > maxPhraseIDLen || !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return kb.Errorf(kb.EInvalid, "phrase id %q: want 1 to %d printable characters", clip(id), maxPhraseIDLen)
	}
	return nil
}

// validPhrase checks what an admin can get wrong: the scene, the sizes, and
// placeholders no product of the shop can fill (they would show raw {…}).
func validPhrase(shop *kb.Shop, p *kb.Phrase) error {
	if !p.Scene.Valid() {
		return kb.Errorf(kb.EInvalid, "scene %q: want one of %v", clip(string(p.Scene)), kb.Scenes)
	}
	if n := utf8.RuneCountInString(p.Title); n == 0 || n > maxTitleRunes {
		return kb.Errorf(kb.EInvalid, "title: want 1 to %d characters", maxTitleRunes)
	}
	if err := validText(p.Text); err != nil {
		return err
	}
	if len(p.Tags) > maxTags {
		return kb.Errorf(kb.EInvalid, "tags: at most %d", maxTags)
	}
	for _, t := range p.Tags {
		if n := utf8.RuneCountInString(t); n == 0 || n > maxTagRunes {
			return kb.Errorf(kb.EInvalid, "tag %q: want 1 to %d characters", clip(t), maxTagRunes)
		}
	}
	if ok, missing := phrases.Fillable(shop, p.Text); !ok {
		return kb.Errorf(kb.EInvalid, "placeholders %s: no product of the shop can fill them",
			"{"+strings.Join(missing, "} {")+"}")
	}
	return nil
}

func nonNil(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}
