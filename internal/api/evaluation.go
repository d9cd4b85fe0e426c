package api

import (
	"cqp/internal/domain"
	"cqp/internal/service"
)

// The evaluation (issue 17): the continuous marks of an enrolment or of an action's group, a
// batch of marks from an organisation's own system, the company referent's logbook, and the
// three final grids. Each route calls the service method the web page calls, so permissions,
// scopes, validations, audit entries and French messages are the same.

// gridRoutes are the three final grids, each filled by its own evaluator under its own action.
var gridRoutes = []struct {
	slug      string
	evaluator domain.Evaluator
	action    service.Action
}{
	{"training-organisation", domain.EvaluatorTrainingOrganisation, service.ActGridOrganisation},
	{"company-referent", domain.EvaluatorCompanyReferent, service.ActGridReferent},
	{"commission", domain.EvaluatorCommission, service.ActGridCommission},
}

// evaluationRoutes is the route table of the evaluation, appended to api.New's.
func (a *API) evaluationRoutes() []route {
	rs := []route{
		a.route("GET", "/enrolments/{id}/continuous-marks", service.ActCandidateRead, a.marksShow),
		a.route("POST", "/enrolments/{id}/continuous-marks", service.ActTrainingRecord, a.marksCreate),
		a.route("POST", "/enrolments/{id}/continuous-marks/{assessment}/removal", service.ActTrainingRecord, a.marksRemove),
		a.route("POST", "/continuous-marks/batch", service.ActTrainingRecord, a.marksBatch),
		a.route("GET", "/actions/{id}/continuous-marks", service.ActTrainingRecord, a.groupMarksShow),
		a.route("POST", "/actions/{id}/continuous-marks", service.ActTrainingRecord, a.groupMarksRecord),

		a.route("GET", "/enrolments/{id}/logbook", service.ActCandidateRead, a.logbookShow),
		a.route("POST", "/enrolments/{id}/logbook", service.ActLogbookWrite, a.logbookAdd),
	}
	for _, g := range gridRoutes {
		path := "/enrolments/{id}/grids/" + g.slug
		rs = append(rs,
			a.route("GET", path, g.action, a.gridShow(g.evaluator)),
			a.route("POST", path, g.action, a.gridSave(g.evaluator, false)),
			a.route("POST", path+"/submission", g.action, a.gridSave(g.evaluator, true)),
		)
	}
	return rs
}
