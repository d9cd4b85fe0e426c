package web

import "cqp/internal/service"

// registerJuryRoutes registers the jury's pages: the roster and the branch's jury settings,
// sessions (schedule, invite, attendance, candidates, deliberation, closing, rectification),
// each candidate's debate, and the minutes.
func (s *Server) registerJuryRoutes() {
	s.handle("GET /jury/sessions", service.ActJuryRead, s.jurySessionsList)
	s.handle("POST /jury/sessions", service.ActJuryManage, s.jurySessionCreate)
	s.handle("GET /jury/membres", service.ActJuryManage, s.juryRosterShow)
	s.handle("POST /jury/membres", service.ActJuryManage, s.juryRosterAdd)
	s.handle("POST /jury/membres/{user}/retrait", service.ActJuryManage, s.juryRosterRemove)
	s.handle("POST /jury/parametres", service.ActBranchSettings, s.jurySettingsSave)

	s.handle("GET /jury/sessions/{id}", service.ActJuryRead, s.jurySessionShow)
	s.handle("POST /jury/sessions/{id}/invitations", service.ActJuryManage, s.jurySessionInvite)
	s.handle("POST /jury/sessions/{id}/presences", service.ActJuryManage, s.jurySessionAttendance)
	s.handle("POST /jury/sessions/{id}/candidats", service.ActJuryManage, s.jurySessionPresent)
	s.handle("POST /jury/sessions/{id}/derogations", service.ActJuryDerogate, s.jurySessionDerogate)
	s.handle("POST /jury/sessions/{id}/ouverture", service.ActJuryManage, s.jurySessionOpen)
	s.handle("POST /jury/sessions/{id}/cloture", service.ActJuryClose, s.jurySessionClose)
	s.handle("POST /jury/sessions/{id}/rectification", service.ActJuryManage, s.jurySessionRectify)
	s.handle("GET /jury/sessions/{id}/pv.pdf", service.ActJuryRead, s.juryMinutes)

	s.handle("GET /jury/sessions/{id}/candidats/{enrolment}", service.ActJuryRead, s.juryCandidateShow)
	s.handle("POST /jury/sessions/{id}/candidats/{enrolment}/retrait", service.ActJuryManage, s.jurySessionWithdraw)
	s.handle("POST /jury/sessions/{id}/candidats/{enrolment}/decisions", service.ActJuryDecide, s.juryDecide)
	s.handle("POST /jury/sessions/{id}/candidats/{enrolment}/decisions/{block}/suppression", service.ActJuryDecide, s.juryDecisionRemove)
}
