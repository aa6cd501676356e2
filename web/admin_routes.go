package web

import "assist/kb"

// adminRoutes are the knowledge admin's workspace: only a shop's admins
// change its phrase base, products and rules.
func (s *Server) adminRoutes() {
	const admin = kb.RoleAdmin
	s.handle("GET "+shopAPI+"/admin/phrases", s.listPhrases, admin)
	s.handle("POST "+shopAPI+"/admin/phrases", s.createPhrase, admin)
	s.handle("POST "+shopAPI+"/admin/phrases/validate", s.validatePhrase, admin)
	s.handle("POST "+shopAPI+"/admin/phrases/preview", s.previewPhrase, admin)
	s.handle("PUT "+shopAPI+"/admin/phrases/{id}", s.putPhrase, admin)
	s.handle("GET "+shopAPI+"/admin/phrases/{id}/history", s.phraseHistory, admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/retire", s.retirePhrase, admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/restore", s.restorePhrase, admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/rollback", s.rollbackPhrase, admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/approve", s.approvePhrase, admin)
	s.handle("POST "+shopAPI+"/admin/phrases/{id}/reject", s.rejectPhrase, admin)
	s.handle("GET "+shopAPI+"/admin/phrases.csv", s.downloadPhrasesCSV, admin)
	s.handle("PUT "+shopAPI+"/admin/phrases.csv", s.uploadPhrasesCSV, admin)
	s.handle("GET "+shopAPI+"/admin/products", s.adminProducts, admin)
	s.handle("PUT "+shopAPI+"/admin/products/{id}", s.putProduct, admin)
	s.handle("GET "+shopAPI+"/admin/rules", s.adminRules, admin)
	s.handle("PUT "+shopAPI+"/admin/rules/{id}", s.putRule, admin)
	s.handle("GET "+shopAPI+"/admin/law", s.searchLaw, admin)
	s.handle("GET "+shopAPI+"/admin/settings", s.adminSettings, admin)
	s.handle("PUT "+shopAPI+"/admin/settings", s.putSettings, admin)
	s.handle("GET "+shopAPI+"/admin/bundle", s.downloadBundle, admin)
	s.handle("PUT "+shopAPI+"/admin/bundle", s.uploadBundle, admin)
}
