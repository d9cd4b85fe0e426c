package web

import "cqp/internal/service"

// registerPersonalDataRoutes registers what the RGPD asks of the branch (the public privacy
// notice, the retention rules the branch sets, the erasure of a person's data on request) and
// the NIR the declaration of awards needs.
func (s *Server) registerPersonalDataRoutes() {
	s.handle("GET /confidentialite", "", s.privacyShow)
	s.handle("GET /parametres/conservation", service.ActBranchSettings, s.retentionShow)
	s.handle("POST /parametres/conservation", service.ActBranchSettings, s.retentionSave)
	s.handle("GET /candidats/{id}/effacement", service.ActPersonalDataErase, s.erasureForm)
	s.handle("POST /candidats/{id}/effacement", service.ActPersonalDataErase, s.erasureSubmit)
	s.handle("GET /candidats/{id}/nir", service.ActNIRWrite, s.nirForm)
	s.handle("POST /candidats/{id}/nir", service.ActNIRWrite, s.nirSubmit)
	s.handle("GET /nir", service.ActNIRRead, s.nirIssues)
}
