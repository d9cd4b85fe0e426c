package web

import (
	"cqp/internal/domain"
	"cqp/internal/service"
)

// registerEvaluationRoutes registers the final evaluation of the formation route: the three
// grids, the enrolment's evaluation summary, commissions, orals and convocations.
func (s *Server) registerEvaluationRoutes() {
	s.handle("GET /inscriptions/{id}/evaluation", service.ActCandidateRead, s.gridSummary)
	for _, g := range gridRoutes {
		s.handle("GET /inscriptions/{id}/grilles/"+g.slug, g.action, s.gridEdit(g.evaluator))
		s.handle("POST /inscriptions/{id}/grilles/"+g.slug, g.action, s.gridSubmit(g.evaluator))
	}

	s.handle("GET /commissions", service.ActCommissionManage, s.commissionsList)
	s.handle("GET /commissions/nouvelle", service.ActCommissionManage, s.commissionNewForm)
	s.handle("POST /commissions/nouvelle", service.ActCommissionManage, s.commissionNewSubmit)
	s.handle("GET /commissions/{id}", service.ActCommissionManage, s.commissionShow)
	s.handle("POST /commissions/{id}/oraux", service.ActCommissionManage, s.oralCreate)
	s.handle("GET /membres-commission/{id}/rattachements", service.ActCommissionManage, s.commissionAffiliationsForm)
	s.handle("POST /membres-commission/{id}/rattachements", service.ActCommissionManage, s.commissionAffiliationsSubmit)

	s.handle("GET /oraux", service.ActOralRead, s.oralsList)
	s.handle("GET /oraux/{id}", service.ActOralRead, s.oralShow)
	s.handle("POST /oraux/{id}/convocations", service.ActCommissionManage, s.oralConvocations)
	s.handle("POST /oraux/{id}/report", service.ActCommissionManage, s.oralMove)
	s.handle("POST /oraux/{id}/annulation", service.ActCommissionManage, s.oralCancel)
	s.registerSubjectDrawRoutes() // oral_subjects.go: the subjects drawn for an oral, the bank's statistics
}

// gridRoute is the address of one evaluator's grid.
type gridRoute struct {
	slug      string
	evaluator domain.Evaluator
	action    service.Action
}

var gridRoutes = []gridRoute{
	{"organisme", domain.EvaluatorTrainingOrganisation, service.ActGridOrganisation},
	{"referent", domain.EvaluatorCompanyReferent, service.ActGridReferent},
	{"commission", domain.EvaluatorCommission, service.ActGridCommission},
}

// gridPath is the page of an evaluator's grid for an enrolment.
func gridPath(enrolmentID string, ev domain.Evaluator) string {
	for _, g := range gridRoutes {
		if g.evaluator == ev {
			return "/inscriptions/" + enrolmentID + "/grilles/" + g.slug
		}
	}
	return "/inscriptions/" + enrolmentID + "/evaluation"
}
