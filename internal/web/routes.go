package web

import (
	"io/fs"
	"net/http"

	"cqp/internal/service"
)

// registerRoutes is the map of the site: every route and the action it needs ("" = public).
func (s *Server) registerRoutes() {
	static, _ := fs.Sub(staticFiles, "static")
	fileServer := http.StripPrefix("/static/", http.FileServerFS(static))
	s.handle("GET /static/", "", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
		return nil
	})
	s.handle("GET /healthz", "", s.healthz)

	s.handle("GET /connexion", "", s.loginForm)
	s.handle("POST /connexion", "", s.loginSubmit)
	s.handle("POST /deconnexion", "", s.logout)
	s.handle("GET /mot-de-passe/oubli", "", s.resetRequestForm)
	s.handle("POST /mot-de-passe/oubli", "", s.resetRequestSubmit)
	s.handle("GET /mot-de-passe/nouveau", "", s.resetForm)
	s.handle("POST /mot-de-passe/nouveau", "", s.resetSubmit)
	s.handle("GET /installation", "", s.setupForm)
	s.handle("POST /installation", "", s.setupSubmit)

	s.handle("GET /{$}", service.ActDashboard, s.dashboardShow)
	s.handle("GET /compte", service.ActAccount, s.accountShow)
	s.handle("POST /compte/mot-de-passe", service.ActAccount, s.accountPasswordSubmit)
	s.handle("POST /compte/jetons", service.ActAccount, s.accountTokenCreate)
	s.handle("POST /compte/jetons/{id}/revocation", service.ActAccount, s.accountTokenRevoke)
	s.handle("POST /compte/webhooks", service.ActEventRead, s.accountWebhookCreate)
	s.handle("POST /compte/webhooks/{id}/desactivation", service.ActEventRead, s.accountWebhookDisable)
	s.handle("POST /compte/webhooks/{id}/suppression", service.ActEventRead, s.accountWebhookDelete)

	s.handle("GET /candidats", service.ActCandidateList, s.candidatesList)
	s.handle("GET /blocs", service.ActCandidateList, s.blocsOverview)
	s.handle("GET /candidats/nouveau", service.ActCandidateCreate, s.candidateNewForm)
	s.handle("POST /candidats/nouveau", service.ActCandidateCreate, s.candidateNewSubmit)
	s.handle("GET /candidats/{id}", service.ActCandidateRead, s.candidateShow)
	s.handle("GET /candidats/{id}/identite", service.ActCandidateIdentityCorrect, s.candidateIdentityForm)
	s.handle("POST /candidats/{id}/identite", service.ActCandidateIdentityCorrect, s.candidateIdentitySubmit)
	s.handle("GET /candidats/{id}/donnees-personnelles.json", service.ActPersonalDataExport, s.candidatePersonalDataJSON)
	s.handle("GET /candidats/{id}/donnees-personnelles.pdf", service.ActPersonalDataExport, s.candidatePersonalDataPDF)

	s.registerAdminRoutes()
	s.registerReportRoutes()
	s.registerActionRoutes()                          // routes_actions.go: actions, enrolment interviews, imports
	s.registerFollowupRoutes()                        // routes_followup.go: hours, internships, logbook, continuous marks, statuses
	s.registerEvaluationRoutes()                      // routes_evaluation.go: final grids, commissions, orals
	s.registerJuryRoutes()                            // routes_jury.go: jury sessions, deliberation, minutes
	s.registerCertificateRoutes()                     // routes_certificates.go: certificates, attestations, public verification
	s.handle("GET /demande-vae", "", s.vaeOnlineForm) // a person asks for a VAE, without an account
	s.handle("POST /demande-vae", "", s.vaeOnlineSubmit)
	s.registerVAEStaffRoutes()     // routes_vae_staff.go: VAE requests, list, file overview, reviews, decisions
	s.registerVAECandidateRoutes() // routes_vae_candidate.go: admissibility file, experience file, evidence
	s.registerPersonalDataRoutes() // routes_personal_data.go: privacy notice, retention rules, erasure on request
	s.registerStatisticsRoutes()   // routes_statistics.go: what the branch sees (statistics)
	s.registerExportRoutes()       // routes_exports.go: every list as CSV and XLSX
	s.registerSubjectRoutes()      // routes_subjects.go: the subject bank: proposals, calls, committee, bank
	s.registerSurveyRoutes()       // routes_survey.go: the candidates' outcome survey (« devenir »)

	if s.opts.API != nil {
		s.mux.Handle("/api/v1/", s.opts.API)
	}
	s.handle("/", "", s.notFound)
}
