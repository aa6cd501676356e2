package web

import (
	"net/http"

	"assist/kb"
)

// adminRoutes are the knowledge admin's workspace: only a shop's admins
// change its phrase base, products and rules.
func (s *Server) adminRoutes() {
	const admin = kb.RoleAdmin
	s.handle("GET "+shopAPI+"/admin/phrases", s.needAdmin(s.listPhrases), admin)
	s.handle("POST "+shopAPI+"/admin/phrases", s.needAdmin(s.createPhrase), admin)
	s.handle("POST "+shopAPI+"/admin/phrases/validate", s.needAdmin(s.validatePhrase), admin)
	s.handle("POST "+shopAPI+"/admin/phrases/preview", s.needAdmin(s.previewPhrase), admin)
	s.handle("PUT "+shopAPI+"/admin/phrases/{id}", s.needAdmin(s.putPhrase), admin)
	s.handle("GET "+shopAPI+"/admin/phrases/{id}/history", s.needAdmin(s.phraseHistory), admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/retire", s.needAdmin(s.retirePhrase), admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/restore", s.needAdmin(s.restorePhrase), admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/rollback", s.needAdmin(s.rollbackPhrase), admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/approve", s.needAdmin(s.approvePhrase), admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/reject", s.needAdmin(s.rejectPhrase), admin)
	s.handle("GET "+shopAPI+"/admin/phrases.csv", s.needAdmin(s.downloadPhrasesCSV), admin)
	s.handle("PUT "+shopAPI+"/admin/phrases.csv", s.needAdmin(s.uploadPhrasesCSV), admin)
	s.handle("GET "+shopAPI+"/admin/products", s.needAdmin(s.adminProducts), admin)
	s.handle("PUT "+shopAPI+"/admin/products/{id}", s.needAdmin(s.putProduct), admin)
	s.handle("GET "+shopAPI+"/admin/rules", s.needAdmin(s.adminRules), admin)
	s.handle("PUT "+shopAPI+"/admin/rules/{id}", s.needAdmin(s.putRule), admin)
	s.handle("GET "+shopAPI+"/admin/law", s.needAdmin(s.searchLaw), admin)
	s.handle("GET "+shopAPI+"/admin/settings", s.needAdmin(s.adminSettings), admin)
	s.handle("PUT "+shopAPI+"/admin/settings", s.needAdmin(s.putSettings), admin)
	s.handle("GET "+shopAPI+"/admin/bundle", s.needAdmin(s.downloadBundle), admin)
	s.handle("PUT "+shopAPI+"/admin/bundle", s.needAdmin(s.uploadBundle), admin)
}

// needAdmin answers a workspace route only when the store keeps what the
// workspace edits.
func (s *Server) needAdmin(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *principal) error {
		if s.admin == nil {
			return kb.Errorf(kb.ENotImplemented, "这个存储不支持知识管理工作台 (this store does not keep the admin workspace)")
		}
		return h(w, r, p)
	}
}
