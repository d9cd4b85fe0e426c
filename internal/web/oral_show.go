package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type oralPage struct {
	D        service.OralDetail
	GridPath string
	Manage   bool // the secretariat: resend convocations, open the commission
}

func (s *Server) oralShow(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	d, err := s.svc.Oral(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := oralPage{D: d, Manage: service.Can(a, service.ActCommissionManage)}
	if d.CanGrade {
		p.GridPath = gridPath(d.Oral.EnrolmentID, domain.EvaluatorCommission)
	}
	s.render(w, r, http.StatusOK, "oral_show.html", "Oral du "+d.Oral.Day()+" — "+d.Candidate.DisplayName(), p)
	return nil
}
