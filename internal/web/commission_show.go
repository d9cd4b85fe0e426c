package web

import (
	"net/http"
	"strconv"

	"cqp/internal/service"
)

type commissionPage struct {
	V          service.CommissionView
	Form       *form // the oral to schedule
	Enrolments []option
}

func (s *Server) commissionShow(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("duration", "60")
	f.Values.Set("enrolment", r.URL.Query().Get("inscription"))
	return s.renderCommission(w, r, http.StatusOK, f)
}

func (s *Server) renderCommission(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	v, err := s.svc.Commission(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	ch, err := s.svc.CommissionChoices(ctx, a)
	if err != nil {
		return err
	}
	p := commissionPage{V: v, Form: f}
	for _, e := range ch.Enrolments {
		label := e.Candidate.FullName() + " — n° " + e.Candidate.Number + " — " + e.QualificationTitle + ", " + e.Route.Label() + " (" + e.Status.Label()
		switch {
		case e.Orals == 1:
			label += ", 1 oral déjà programmé"
		case e.Orals > 1:
			label += ", " + strconv.Itoa(e.Orals) + " oraux déjà programmés"
		}
		p.Enrolments = append(p.Enrolments, option{Value: e.EnrolmentID, Label: label + ")"})
	}
	s.render(w, r, status, "commission_show.html", v.Commission.Name, p)
	return nil
}
