package web

import "cqp/internal/service"

// registerExportRoutes registers the exports of the lists the secretariat uses, each as CSV
// and XLSX (path/export.csv, path/export.xlsx) with the list's filters in the address: read
// with the list's own action, so that whoever cannot read a list cannot export it.
func (s *Server) registerExportRoutes() {
	s.handleExports("/candidats", service.ActCandidateList, s.candidatesExport)
	s.handleExports("/actions", service.ActActionRead, s.actionsExport)
	s.handleExports("/vae", service.ActVAERead, s.vaeExport)
	s.handleExports("/certificats", service.ActCertificateRead, s.certificatesExport)
	s.handleExports("/audit", service.ActAuditRead, s.auditExport)
	s.handleExports("/courriels", service.ActOutboxRead, s.outboxExport)
}
