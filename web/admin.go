package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"assist/kb"
	"assist/kb/bundle"
	"assist/kb/fold"
	"assist/phrases"
)

// The knowledge admin's phrase base: list and search, create, edit, retire,
// restore, history and rollback, and the drafts a second admin approves.
// Every change goes through the store as a version; a live change bumps the
// shop's version and the Desk reloads the shop before the request returns,
// so the admin pays for the new index, not the shop's next turn.

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
	Code  string   `json:"code,omitempty"`
}

func phraseLineOf(p kb.Phrase) phraseLine {
	return phraseLine{ID: p.ID, Scene: p.Scene, Title: p.Title, Text: p.Text, Tags: nonNil(p.Tags), Code: p.Code}
}

// adminPhraseLine is a phrase of the admin's list.
type adminPhraseLine struct {
	phraseLine
	SceneLabel string    `json:"scene_label"`
	Retired    bool      `json:"retired"`
	Version    int       `json:"version"`
	Draft      int       `json:"draft,omitempty"`
	Unfillable []string  `json:"unfillable,omitempty"` // placeholders no product can fill: never shown to agents
	Usage      usageLine `json:"usage"`
}

type usageLine struct {
	Shown7      int `json:"shown_7d"`
	Used7       int `json:"used_7d"`
	Dismissed7  int `json:"dismissed_7d"`
	Shown30     int `json:"shown_30d"`
	Used30      int `json:"used_30d"`
	Dismissed30 int `json:"dismissed_30d"`
}

type sceneLine struct {
	ID    kb.Scene `json:"id"`
	Label string   `json:"label"`
}

type phraseBody struct {
	ID    string   `json:"id"`
	Scene string   `json:"scene"`
	Title string   `json:"title"`
	Text  string   `json:"text"`
	Tags  []string `json:"tags"`
	Code  string   `json:"code"`
}

func (b phraseBody) phrase(id string) kb.Phrase {
	return kb.Phrase{ID: id, Scene: kb.Scene(strings.TrimSpace(b.Scene)), Title: strings.TrimSpace(b.Title), Text: b.Text,
		Tags: cleanTags(b.Tags), Code: strings.TrimPrefix(strings.TrimSpace(b.Code), "/")}
}

func cleanTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// listPhrases is GET .../admin/phrases: every phrase with its version,
// usage and whether it can be filled. ?q= searches title, text, tags and
// short code (simplified or traditional), ?scene= filters, ?retired=1
// includes retired phrases.
func (s *Server) listPhrases(w http.ResponseWriter, r *http.Request, p *principal) error {
	ctx := r.Context()
	shop, err := s.desk.Knowledge(ctx, p.Shop)
	if err != nil {
		return err
	}
	all, err := s.admin.AdminPhrases(ctx, p.Shop)
	if err != nil {
		return err
	}
	usage, err := s.admin.PhraseUsage(ctx, p.Shop)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	scene := kb.Scene(q.Get("scene"))
	withRetired := q.Get("retired") == "1" || q.Get("retired") == "true"
	terms := searchTerms(q.Get("q"))
	type ranked struct {
		line adminPhraseLine
		rank int
	}
	var hits []ranked
	for _, a := range all {
		if (a.Retired && !withRetired) || (scene != "" && a.Scene != scene) {
			continue
		}
		rank, ok := matchAdminPhrase(a.Phrase, terms)
		if !ok {
			continue
		}
		line := adminPhraseLine{phraseLine: phraseLineOf(a.Phrase), SceneLabel: bundle.SceneLabels[a.Scene], Retired: a.Retired,
			Version: a.Version, Draft: a.Draft, Usage: usageOf(usage[a.ID])}
		if ok, missing := phrases.Fillable(shop, a.Text); !ok {
			line.Unfillable = missing
		}
		hits = append(hits, ranked{line, rank})
	}
	out := make([]adminPhraseLine, 0, len(hits))
	for best := 0; best <= 3; best++ { // a stable sort by rank: code, title, tags, text
		for _, h := range hits {
			if h.rank == best {
				out = append(out, h.line)
			}
		}
	}
	approval, err := s.admin.RequireApproval(ctx, p.Shop)
	if err != nil {
		return err
	}
	drafts, err := s.admin.PhraseDrafts(ctx, p.Shop)
	if err != nil {
		return err
	}
	draftLines := make([]versionLine, len(drafts))
	for i, d := range drafts {
		draftLines[i] = versionLineOf(d)
	}
	scenes := make([]sceneLine, len(kb.Scenes))
	for i, sc := range kb.Scenes {
		scenes[i] = sceneLine{sc, bundle.SceneLabels[sc]}
	}
	writeJSON(w, http.StatusOK, struct {
		Shop            string            `json:"shop"`
		Phrases         []adminPhraseLine `json:"phrases"`
		Total           int               `json:"total"`
		Scenes          []sceneLine       `json:"scenes"`
		RequireApproval bool              `json:"require_approval"`
		Drafts          []versionLine     `json:"drafts"`
	}{shop.Name, out, len(all), scenes, approval, draftLines})
	return nil
}

func usageOf(u kb.PhraseUsage) usageLine {
	return usageLine{u.Shown7, u.Used7, u.Dismissed7, u.Shown30, u.Used30, u.Dismissed30}
}

// searchTerms folds a query (traditional to simplified, full-width to
// half-width, case) and splits it at spaces; a leading / asks for a code.
func searchTerms(q string) []string {
	var out []string
	for _, t := range strings.Fields(fold.String(q)) {
		if t = strings.TrimPrefix(t, "/"); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// matchAdminPhrase reports whether every term is in the phrase's code, title,
// tags or text, and ranks the match: 0 a code typed whole, 1 a title, 2 a
// tag, 3 the text only.
func matchAdminPhrase(p kb.Phrase, terms []string) (int, bool) {
	if len(terms) == 0 {
		return 0, true
	}
	code, title, text := fold.String(p.Code), fold.String(p.Title), fold.String(p.Text)
	tags := fold.String(strings.Join(p.Tags, " "))
	rank := 0
	for _, t := range terms {
		switch {
		case code != "" && code == t:
		case strings.Contains(title, t) || strings.Contains(code, t):
			rank = max(rank, 1)
		case strings.Contains(tags, t):
			rank = max(rank, 2)
		case strings.Contains(text, t):
			rank = 3
		default:
			return 0, false
		}
	}
	return rank, true
}

// versionLine is one version of a phrase, with what changed from the
// version it was made over.
type versionLine struct {
	ID         string           `json:"id"`
	N          int              `json:"n"`
	Action     kb.PhraseAction  `json:"action"`
	Status     kb.VersionStatus `json:"status"`
	Author     string           `json:"author"`
	At         string           `json:"at"`
	Phrase     phraseLine       `json:"phrase"`
	Retired    bool             `json:"retired"`
	Base       int              `json:"base,omitempty"`
	RollbackTo int              `json:"rollback_to,omitempty"`
	ApprovedBy string           `json:"approved_by,omitempty"`
	ApprovedAt string           `json:"approved_at,omitempty"`
	Changes    []fieldChange    `json:"changes,omitempty"`
	TextDiff   []diffPiece      `json:"text_diff,omitempty"`
}

func versionLineOf(v kb.PhraseVersion) versionLine {
	l := versionLine{ID: v.PhraseID, N: v.N, Action: v.Action, Status: v.Status, Author: v.Author,
		At: v.At.UTC().Format(timeFormat), Phrase: phraseLineOf(v.State.Phrase), Retired: v.State.Retired, Base: v.Base,
		RollbackTo: v.RollbackTo, ApprovedBy: v.ApprovedBy}
	if !v.ApprovedAt.IsZero() {
		l.ApprovedAt = v.ApprovedAt.UTC().Format(timeFormat)
	}
	return l
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

// createPhrase is POST .../admin/phrases: a new phrase; an empty id is made
// up from the scene.
func (s *Server) createPhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	var body phraseBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	id := strings.TrimSpace(body.ID)
	if id == "" {
		var err error
		if id, err = s.freePhraseID(r.Context(), p.Shop, body.Scene); err != nil {
			return err
		}
	}
	return s.savePhrase(w, r, p, kb.PhraseCreate, body.phrase(id))
}

// putPhrase is PUT .../admin/phrases/{id}: the phrase edited, or added when
// the shop has none of that id.
func (s *Server) putPhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	var body phraseBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	id := r.PathValue("id")
	if body.ID != "" && body.ID != id {
		return kb.Errorf(kb.EInvalid, "正文的编号 %q 与地址的 %q 不同 (the body's id %q is not the path's %q)", clip(body.ID), clip(id), clip(body.ID), clip(id))
	}
	action := kb.PhraseEdit
	if !s.phraseExists(r.Context(), p.Shop, id) {
		action = kb.PhraseCreate
	}
	return s.savePhrase(w, r, p, action, body.phrase(id))
}

func (s *Server) savePhrase(w http.ResponseWriter, r *http.Request, p *principal, action kb.PhraseAction, ph kb.Phrase) error {
	if err := validPhraseID(ph.ID); err != nil {
		return err
	}
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	if err := validPhrase(shop, &ph); err != nil {
		return err
	}
	return s.change(w, r, p, kb.PhraseChange{Action: action, Phrase: ph})
}

// change records a change and answers with its version: 200 when it is
// live (and loaded), 202 when it is a draft waiting for a second admin.
func (s *Server) change(w http.ResponseWriter, r *http.Request, p *principal, ch kb.PhraseChange) error {
	ch.Author = p.Name
	v, err := s.admin.ChangePhrase(r.Context(), p.Shop, ch)
	if err != nil {
		return err
	}
	return s.answerVersion(w, r, p, v)
}

func (s *Server) answerVersion(w http.ResponseWriter, r *http.Request, p *principal, v kb.PhraseVersion) error {
	status := http.StatusAccepted
	if v.Status == kb.VersionLive {
		status = http.StatusOK
		// The Desk puts a phrase-only change into the index in use, so
		// the edit is live before the answer (BenchmarkPhraseEditLive).
		if _, err := s.desk.Knowledge(r.Context(), p.Shop); err != nil {
			return fmt.Errorf("phrase %q is stored but the shop did not reload (its next turn will try again): %w", v.PhraseID, err)
		}
	}
	writeJSON(w, status, versionLineOf(v))
	return nil
}

func (s *Server) phraseExists(ctx context.Context, shop int64, id string) bool {
	all, err := s.admin.AdminPhrases(ctx, shop)
	if err != nil {
		return false
	}
	for _, a := range all {
		if a.ID == id {
			return true
		}
	}
	return false
}

// freePhraseID makes up an id for a new phrase: its scene and a number.
func (s *Server) freePhraseID(ctx context.Context, shop int64, scene string) (string, error) {
	all, err := s.admin.AdminPhrases(ctx, shop)
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, a := range all {
		taken[a.ID] = true
	}
	prefix := "ph-"
	if kb.Scene(scene).Valid() {
		prefix += strings.ReplaceAll(scene, "_", "-") + "-"
	}
	for n := len(all) + 1; ; n++ {
		if id := prefix + strconv.Itoa(n); !taken[id] {
			return id, nil
		}
	}
}

type versionBody struct {
	Version int `json:"version"`
}

// retirePhrase is POST .../admin/phrases/{id}/retire.
func (s *Server) retirePhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	return s.change(w, r, p, kb.PhraseChange{Action: kb.PhraseRetire, PhraseID: r.PathValue("id")})
}

// restorePhrase is POST .../admin/phrases/{id}/restore.
func (s *Server) restorePhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	return s.change(w, r, p, kb.PhraseChange{Action: kb.PhraseRestore, PhraseID: r.PathValue("id")})
}

// rollbackPhrase is POST .../admin/phrases/{id}/rollback {"version": n}: a
// new version with version n's content.
func (s *Server) rollbackPhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	var body versionBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	if body.Version < 1 {
		return kb.Errorf(kb.EInvalid, "要回滚到的版本号须 ≥ 1 (version: want 1 or more)")
	}
	return s.change(w, r, p, kb.PhraseChange{Action: kb.PhraseRollback, PhraseID: r.PathValue("id"), RollbackTo: body.Version})
}

// approvePhrase is POST .../admin/phrases/{id}/approve {"version": n}: a
// second admin makes a draft live.
func (s *Server) approvePhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	var body versionBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	v, err := s.admin.ApprovePhrase(r.Context(), p.Shop, r.PathValue("id"), body.Version, p.Name)
	if err != nil {
		return err
	}
	return s.answerVersion(w, r, p, v)
}

// rejectPhrase is POST .../admin/phrases/{id}/reject {"version": n}.
func (s *Server) rejectPhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	var body versionBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	v, err := s.admin.RejectPhrase(r.Context(), p.Shop, r.PathValue("id"), body.Version, p.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, versionLineOf(v))
	return nil
}

// phraseHistory is GET .../admin/phrases/{id}/history: every version, newest
// first, each with what changed from the version it was made over.
func (s *Server) phraseHistory(w http.ResponseWriter, r *http.Request, p *principal) error {
	versions, err := s.admin.PhraseHistory(r.Context(), p.Shop, r.PathValue("id"))
	if err != nil {
		return err
	}
	byN := map[int]kb.PhraseVersion{}
	for _, v := range versions {
		byN[v.N] = v
	}
	out := make([]versionLine, 0, len(versions))
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		line := versionLineOf(v)
		before, ok := byN[v.Base]
		var old *kb.PhraseState
		if ok {
			old = &before.State
		}
		line.Changes, line.TextDiff = diffStates(old, v.State)
		out = append(out, line)
	}
	writeJSON(w, http.StatusOK, struct {
		Versions []versionLine `json:"versions"`
	}{out})
	return nil
}

func validPhraseID(id string) error {
	if id == "" || len(id) > maxPhraseIDLen || !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 ||
		strings.ContainsAny(id, "/?#") {
		return kb.Errorf(kb.EInvalid, "phrase id %q: want 1 to %d printable characters, no / ? #", clip(id), maxPhraseIDLen)
	}
	return nil
}

// validPhrase checks what an admin can get wrong: the scene, the sizes, the
// short code, and placeholders no product of the shop can fill (they would
// show raw {…}, so the engine never shows such a phrase).
func validPhrase(shop *kb.Shop, p *kb.Phrase) error {
	if pr := phraseProblems(shop, p); len(pr) > 0 {
		return kb.Errorf(kb.EInvalid, "%s", pr[0].Message)
	}
	return nil
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
