package web

import "cqp/internal/service"

// registerCertificateRoutes registers the certificates and block attestations: the public
// verification by code, the documents' list, pages and PDFs, their issuing and mailing by
// session, revocation, their declaration to the Caisse des Dépôts, and the branch's settings the documents print.
func (s *Server) registerCertificateRoutes() {
	s.handle("GET /verifier", "", s.verifyForm)
	s.handle("GET /verifier/{code}", "", s.verifyShow)

	s.handle("GET /certificats", service.ActCertificateRead, s.certificateList)
	s.handle("GET /certificats/{id}", service.ActCertificateRead, s.certificateShow)
	s.handle("GET /certificats/{id}/pdf", service.ActCertificateRead, s.certificatePDF)
	s.handle("POST /certificats/{id}/revocation", service.ActCertificateRevoke, s.certificateRevoke)

	s.handle("GET /delivrance", service.ActCertificateIssue, s.certificateSessions)
	s.handle("GET /delivrance/{session}", service.ActCertificateIssue, s.certificateSessionShow)
	s.handle("POST /delivrance/{session}", service.ActCertificateIssue, s.certificateSessionIssue)
	s.handle("POST /delivrance/{session}/envoi", service.ActCertificateIssue, s.certificateSessionMail)
	s.handle("GET /delivrance/{session}/documents.zip", service.ActCertificateIssue, s.certificateSessionZIP)

	s.handle("GET /declarations", service.ActDeclarationRead, s.declarationList)
	s.handle("POST /declarations/lots", service.ActDeclarationWrite, s.declarationBatchBuild)
	s.handle("GET /declarations/lots/{id}/flux.xml", service.ActDeclarationWrite, s.declarationBatchFile)
	s.handle("POST /declarations/compte-rendu", service.ActDeclarationWrite, s.declarationReportApply)

	s.handle("GET /parametres", service.ActBranchSettings, s.certificateSettingsShow)
	s.handle("POST /parametres", service.ActBranchSettings, s.certificateSettingsSave)
}
