package web

import "cqp/internal/service"

// registerVAEStaffRoutes registers the VAE pages of the secretariat, the reviewing training
// organisation, the company, the adviser and the commission: the list, the request, the file's
// overview with its forms, the organisation's review and the decision letters.
func (s *Server) registerVAEStaffRoutes() {
	s.handle("GET /vae", service.ActVAERead, s.vaeList)
	s.handle("GET /vae/demande", service.ActVAERequest, s.vaeRequestForm)
	s.handle("POST /vae/demande", service.ActVAERequest, s.vaeRequestSubmit)
	s.handle("GET /vae/{id}", service.ActVAERead, s.vaeShow)
	s.handle("GET /vae/{id}/versions/{version}", service.ActVAERead, s.vaeVersionShow)
	s.handle("POST /vae/{id}/envoi", service.ActVAEDecide, s.vaeSendSubmit)
	s.handle("POST /vae/{id}/avis-demande", service.ActVAEDecide, s.vaeReviewRequestSubmit)
	s.handle("GET /vae/{id}/avis", service.ActVAEReview, s.vaeReviewForm)
	s.handle("POST /vae/{id}/avis", service.ActVAEReview, s.vaeReviewSubmit)
	s.handle("POST /vae/{id}/decision", service.ActVAEDecide, s.vaeDecisionSubmit)
	s.handle("POST /vae/{id}/decisions/{decision}/revocation", service.ActVAEDecide, s.vaeRevokeSubmit)
	s.handle("GET /vae/{id}/decisions/{decision}/lettre.pdf", service.ActVAERead, s.vaeDecisionLetter)
	s.handle("POST /vae/{id}/accompagnateur", service.ActVAEDecide, s.vaeAdviserSubmit)
	s.handle("POST /vae/{id}/validite", service.ActVAEDecide, s.vaeExtendSubmit)
	s.handle("POST /vae/{id}/commentaires", service.ActVAEAdvise, s.vaeCommentSubmit)
}
