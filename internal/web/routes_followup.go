package web

import "cqp/internal/service"

// registerFollowupRoutes registers the training follow-up of an enrolment (hours per block,
// internships), its continuous evaluation (one candidate, or an action's group for one block),
// the referent's logbook, and the enrolment's status. Whoever reads the candidate's file reads
// these pages; the forms on them need their own actions.
func (s *Server) registerFollowupRoutes() {
	s.handle("GET /inscriptions/{id}/suivi", service.ActCandidateRead, s.followupShow)
	s.handle("POST /inscriptions/{id}/heures", service.ActTrainingRecord, s.followupHoursSubmit)
	s.handle("POST /inscriptions/{id}/stages", service.ActTrainingRecord, s.followupInternshipCreate)
	s.handle("POST /inscriptions/{id}/stages/{stage}/retrait", service.ActTrainingRecord, s.followupInternshipRemove)
	s.handle("POST /inscriptions/{id}/statut", service.ActEnrolmentManage, s.statusSubmit)

	s.handle("GET /inscriptions/{id}/notes", service.ActCandidateRead, s.marksShow)
	s.handle("POST /inscriptions/{id}/notes", service.ActTrainingRecord, s.marksCreate)
	s.handle("POST /inscriptions/{id}/notes/{note}/retrait", service.ActTrainingRecord, s.marksRemove)
	s.handle("GET /actions/{id}/notes", service.ActTrainingRecord, s.marksGroupShow)
	s.handle("POST /actions/{id}/notes", service.ActTrainingRecord, s.marksGroupSubmit)

	s.handle("GET /inscriptions/{id}/livret", service.ActCandidateRead, s.logbookShow)
	s.handle("POST /inscriptions/{id}/livret", service.ActLogbookWrite, s.logbookSubmit)
}
