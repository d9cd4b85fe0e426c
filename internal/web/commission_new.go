package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type commissionNewPage struct {
	Form            *form
	Members         []option
	Representatives []option
}

func (s *Server) commissionNewForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderCommissionNew(w, r, http.StatusOK, emptyForm())
}

func (s *Server) renderCommissionNew(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ch, err := s.svc.CommissionChoices(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	p := commissionNewPage{Form: f, Members: userOptions(ch.Members), Representatives: userOptions(ch.Representatives)}
	s.render(w, r, status, "commission_new.html", "Former une commission", p)
	return nil
}

func userOptions(users []domain.User) []option {
	out := make([]option, 0, len(users))
	for _, u := range users {
		out = append(out, option{Value: u.ID, Label: u.Name + " (" + u.Email + ")"})
	}
	return out
}

func (s *Server) commissionNewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	c, err := s.svc.CreateCommission(r.Context(), actorFrom(r.Context()), service.CommissionInput{
		Name: v.Get("name"), VotingMemberIDs: []string{v.Get("member1"), v.Get("member2")}, RepresentativeID: v.Get("representative"),
	})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderCommissionNew(w, r, formStatus(err), f)
	}
	s.flash(r, "La commission « "+c.Name+" » est formée. Programmez maintenant ses oraux.")
	http.Redirect(w, r, "/commissions/"+c.ID, http.StatusSeeOther)
	return nil
}
