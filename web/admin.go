package web

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"assist/kb"
	"assist/kb/sqlite"
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
func (s *Server) listPhrases(w http.ResponseWriter, r *http.Request, _ *principal) error {
	shop := s.engine.Shop()
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
func (s *Server) putPhrase(w http.ResponseWriter, r *http.Request, _ *principal) error {
	id := r.PathValue("id")
	if err := validPhraseID(id); err != nil {
		return err
	}
	var body phraseBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	p := kb.Phrase{ID: id, Scene: kb.Scene(body.Scene), Title: strings.TrimSpace(body.Title), Text: body.Text, Tags: nonNil(body.Tags)}
	if err := s.validPhrase(&p); err != nil {
		return err
	}
	if s.reload == nil {
		return fmt.Errorf("put phrase %q: the server was started without a reload hook", id)
	}
	s.edits.Lock()
	defer s.edits.Unlock()
	if err := s.store.PutPhrase(r.Context(), s.engine.Shop().Name, p); err != nil {
		return err
	}
	if err := s.reload(r.Context()); err != nil {
		return fmt.Errorf("phrase %q is stored but the engine did not reload (restart to use it): %w", id, err)
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
func (s *Server) validPhrase(p *kb.Phrase) error {
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
	if ok, missing := phrases.Fillable(s.engine.Shop(), p.Text); !ok {
		return kb.Errorf(kb.EInvalid, "placeholders %s: no product of the shop can fill them",
			"{"+strings.Join(missing, "} {")+"}")
	}
	return nil
}

type addUserRequest struct {
	Name string  `json:"name"`
	Role kb.Role `json:"role"`
}

type addUserResponse struct {
	Name     string  `json:"name"`
	Role     kb.Role `json:"role"`
	Password string  `json:"password"`
}

// addUser is POST /api/v1/admin/users: the generated password is in the
// answer and nowhere else.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request, _ *principal) error {
	var req addUserRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	password, err := sqlite.NewPassword()
	if err != nil {
		return err
	}
	u, err := s.store.CreateUser(r.Context(), req.Name, req.Role, password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, addUserResponse{Name: u.Name, Role: u.Role, Password: password})
	return nil
}

func nonNil(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}
