package web

import "cqp/internal/service"

// registerSurveyRoutes registers the candidates' outcome survey (« devenir », issue 12): the
// public page a mailed link opens, without an account, and the secretariat's form to type or
// correct an answer given by phone.
func (s *Server) registerSurveyRoutes() {
	s.handle("GET /devenir/{token}", "", s.surveyPublicForm)
	s.handle("POST /devenir/{token}", "", s.surveyPublicSubmit)
	s.handle("GET /candidats/{id}/devenir/{survey}", service.ActSurveyRecord, s.surveyRecordForm)
	s.handle("POST /candidats/{id}/devenir/{survey}", service.ActSurveyRecord, s.surveyRecordSubmit)
}
