package web

import "cqp/internal/service"

// registerActionRoutes registers the routes of this part of the formation route: actions
// (fiches action) and their review, enrolment in an action after the interview, enrolment
// pages, and the import of candidate lists.
func (s *Server) registerActionRoutes() {
	s.handle("GET /actions", service.ActActionRead, s.actionList)
	s.handle("GET /actions/nouvelle", service.ActActionDeclare, s.actionNewForm)
	s.handle("POST /actions/nouvelle", service.ActActionDeclare, s.actionNewSubmit)
	s.handle("GET /actions/{id}", service.ActActionRead, s.actionShow)
	s.handle("POST /actions/{id}/calendrier", service.ActActionDeclare, s.actionCalendarSubmit)
	s.handle("POST /actions/{id}/commentaires", service.ActActionReview, s.actionCommentSubmit)
	s.handle("POST /actions/{id}/examen", service.ActActionReview, s.actionReviewSubmit)
	s.handle("POST /actions/{id}/refus", service.ActActionReview, s.actionRefuseSubmit)

	s.handle("GET /actions/{id}/inscription", service.ActEnrolmentManage, s.enrolmentNewForm)
	s.handle("POST /actions/{id}/inscription", service.ActEnrolmentManage, s.enrolmentNewSubmit)
	s.handle("GET /inscriptions/{id}", service.ActCandidateRead, s.enrolmentShow)
	s.handle("POST /inscriptions/{id}/referent", service.ActEnrolmentManage, s.enrolmentReferentSubmit)
	s.handle("POST /inscriptions/{id}/entretien", service.ActEnrolmentManage, s.enrolmentIntakeSubmit)

	s.handle("GET /entreprises/{id}/inscription-blocs", service.ActBlocsEnrol, s.blocsEnrolmentForm)
	s.handle("POST /entreprises/{id}/inscription-blocs", service.ActBlocsEnrol, s.blocsEnrolmentSubmit)
	s.handle("GET /candidats/{id}/evaluation-finale-blocs", service.ActBlocsFinal, s.finalStageForm)
	s.handle("POST /candidats/{id}/evaluation-finale-blocs", service.ActBlocsFinal, s.finalStageSubmit)

	s.handle("GET /actions/{id}/import", service.ActEnrolmentManage, s.importForm)
	s.handle("POST /actions/{id}/import", service.ActEnrolmentManage, s.importSubmit)
	s.handle("GET /actions/{id}/import/modele.csv", service.ActEnrolmentManage, s.importTemplateCSV)
	s.handle("GET /actions/{id}/import/modele.xlsx", service.ActEnrolmentManage, s.importTemplateXLSX)
}
