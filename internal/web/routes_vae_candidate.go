package web

import "cqp/internal/service"

// registerVAECandidateRoutes registers the pages where the candidate writes the admissibility
// file and the experience file, and uploads evidence. Whoever reads the VAE file reads these
// pages (read-only when they do not fill it); the service limits each reader to the parts of
// the file their role may see.
func (s *Server) registerVAECandidateRoutes() {
	s.handle("GET /vae/{id}/recevabilite", service.ActVAERead, s.vaeAdmissibilityShow)
	s.handle("POST /vae/{id}/recevabilite", service.ActVAEFill, s.vaeAdmissibilitySubmit)
	s.handle("GET /vae/{id}/recevabilite.pdf", service.ActVAERead, s.vaeAdmissibilityPDF)

	s.handle("GET /vae/{id}/experience", service.ActVAERead, s.vaeExperienceShow)
	s.handle("POST /vae/{id}/experience", service.ActVAEFill, s.vaeExperienceSubmit)
	s.handle("POST /vae/{id}/experience/reouverture", service.ActVAEFill, s.vaeExperienceReopen)

	s.handle("POST /vae/{id}/preuves", service.ActVAEFill, s.vaeEvidenceAdd)
	s.handle("POST /vae/{id}/preuves/{evidence}/retrait", service.ActVAEFill, s.vaeEvidenceRemove)
	s.handle("GET /vae/{id}/preuves/{evidence}", service.ActVAERead, s.vaeEvidenceDownload)
}
