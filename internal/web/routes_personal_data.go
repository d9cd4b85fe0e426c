package web

import "cqp/internal/service"

// registerPersonalDataRoutes registers what the RGPD asks of the branch: the public privacy
// notice, the retention rules the branch sets, and the erasure of a person's data on request.
func (s *Server) registerPersonalDataRoutes() {
	s.handle("GET /confidentialite", "", s.privacyShow)
	s.handle("GET /parametres/conservation", service.ActBranchSettings, s.retentionShow)
	s.handle("POST /parametres/conservation", service.ActBranchSettings, s.retentionSave)
	s.handle("GET /candidats/{id}/effacement", service.ActPersonalDataErase, s.erasureForm)
	s.handle("POST /candidats/{id}/effacement", service.ActPersonalDataErase, s.erasureSubmit)
}
