package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"assist/kb"
	"assist/kb/bundle"
)

// Whole files in and out of the admin's workspace: the shop bundle, and the
// phrases sheet (CSV, UTF-8 with a byte order mark, as Excel and WPS open
// it). An upload with any problem saves nothing and lists every problem
// with its file, line and field.

// downloadBundle is GET .../admin/bundle: the shop as a bundle that an
// upload reads back to the same shop (retired phrases are not part of it).
func (s *Server) downloadBundle(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := bundle.Write(&buf, shop); err != nil {
		return err
	}
	attachment(w, shop.Name+".json", "shop.json", "application/json; charset=utf-8")
	w.Write(buf.Bytes())
	return nil
}

// uploadBundle is PUT .../admin/bundle: the shop's knowledge replaced by an
// uploaded bundle, in one transaction, each changed phrase recorded as a
// version by the admin, live for the shop's next turn. The bundle must name
// this shop.
func (s *Server) uploadBundle(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := readBundle(w, r)
	if err != nil {
		return err
	}
	info, err := s.admin.ReplaceKnowledge(r.Context(), p.Shop, shop, p.Name)
	if err != nil {
		return err
	}
	if _, err := s.desk.Knowledge(r.Context(), p.Shop); err != nil {
		return fmt.Errorf("bundle stored but the shop did not reload (its next turn will try again): %w", err)
	}
	writeJSON(w, http.StatusOK, struct {
		shopLine
		Products int `json:"products"`
		Rules    int `json:"rules"`
		Phrases  int `json:"phrases"`
	}{shopLine{ID: info.ID, Name: info.Name, Version: info.Version}, len(shop.Products), len(shop.Rules), len(shop.Phrases)})
	return nil
}

// downloadPhrasesCSV is GET .../admin/phrases.csv: the shop's live phrases
// as a sheet.
func (s *Server) downloadPhrasesCSV(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := bundle.WritePhrasesCSV(&buf, shop.Phrases); err != nil {
		return kb.Errorf(kb.EInvalid, "话术无法写成表格 (%v)", err)
	}
	attachment(w, shop.Name+"-话术.csv", "phrases.csv", "text/csv; charset=utf-8")
	w.Write(buf.Bytes())
	return nil
}

// uploadPhrasesCSV is PUT .../admin/phrases.csv?mode=merge|replace: a
// phrases sheet merged into the shop's phrases (rows with an id update that
// phrase, rows without one are added) or replacing them all.
func (s *Server) uploadPhrasesCSV(w http.ResponseWriter, r *http.Request, p *principal) error {
	mode := bundle.MergePhrases
	switch r.URL.Query().Get("mode") {
	case "", "merge":
	case "replace":
		mode = bundle.ReplacePhrases
	default:
		return kb.Errorf(kb.EInvalid, "mode 须为 merge 或 replace (mode: want merge or replace)")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBundleBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return kb.Errorf(kb.EInvalid, "文件超过 %d MiB (sheet larger than %d MiB)", maxBundleBytes>>20, maxBundleBytes>>20)
	}
	if err != nil {
		return kb.Errorf(kb.EInvalid, "read body: %v", err)
	}
	current, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	shop, err := bundle.ReadPhrasesCSV("phrases.csv", data, current, mode)
	var problems bundle.Problems
	if errors.As(err, &problems) {
		writeProblems(w, problems)
		return errAnswered
	}
	if err != nil {
		return err
	}
	info, err := s.admin.ReplaceKnowledge(r.Context(), p.Shop, shop, p.Name)
	if err != nil {
		return err
	}
	if _, err := s.desk.Knowledge(r.Context(), p.Shop); err != nil {
		return fmt.Errorf("sheet stored but the shop did not reload (its next turn will try again): %w", err)
	}
	writeJSON(w, http.StatusOK, struct {
		shopLine
		Phrases int `json:"phrases"`
	}{shopLine{ID: info.ID, Name: info.Name, Version: info.Version}, len(shop.Phrases)})
	return nil
}

func writeProblems(w http.ResponseWriter, problems bundle.Problems) {
	lines := make([]string, len(problems))
	for i, pr := range problems {
		lines[i] = pr.String()
	}
	writeJSON(w, http.StatusBadRequest, bundleProblems{Error: kb.EInvalid,
		Reason: fmt.Sprintf("文件有 %d 处问题,未保存任何内容 (%d problems; nothing was saved)", len(problems), len(problems)), Problems: lines})
}

// attachment sets the headers of a file download; the name is given in
// UTF-8 (RFC 6266) with an ASCII fallback.
func attachment(w http.ResponseWriter, name, ascii, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", "attachment; filename=\""+ascii+"\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
}
