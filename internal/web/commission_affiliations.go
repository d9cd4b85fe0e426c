package web

import (
	"net/http"

	"cqp/internal/service"
	"cqp/internal/store"
)

type affiliationsPage struct {
	M             service.MemberAffiliations
	Form          *form
	Companies     []option
	Organisations []option
	Back          string // the commission the secretariat came from
}

func (s *Server) commissionAffiliationsForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderAffiliations(w, r, http.StatusOK, nil)
}

func (s *Server) renderAffiliations(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	m, err := s.svc.MemberAffiliations(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	ch, err := s.svc.CommissionChoices(ctx, a)
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		f.Values["companies"] = m.Recorded(store.AffiliationCompany)
		f.Values["organisations"] = m.Recorded(store.AffiliationTrainingOrganisation)
	}
	p := affiliationsPage{M: m, Form: f, Back: r.URL.Query().Get("commission")}
	if p.Back == "" {
		p.Back = f.Get("commission")
	}
	for _, c := range ch.Companies {
		p.Companies = append(p.Companies, option{Value: c.ID, Label: c.Name + " (" + c.City + ")"})
	}
	for _, o := range ch.Organisations {
		p.Organisations = append(p.Organisations, option{Value: o.ID, Label: o.Name + " (" + o.City + ")"})
	}
	s.render(w, r, status, "commission_affiliations.html", "Rattachements — "+m.User.Name, p)
	return nil
}

func (s *Server) commissionAffiliationsSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	err := s.svc.SetAffiliations(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm["companies"], r.PostForm["organisations"])
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderAffiliations(w, r, formStatus(err), f)
	}
	s.flash(r, "Rattachements enregistrés : ils seront vérifiés à chaque oral programmé.")
	back := "/membres-commission/" + r.PathValue("id") + "/rattachements"
	if c := r.PostForm.Get("commission"); c != "" && isID(c) {
		back = "/commissions/" + c
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// isID reports whether s looks like one of our identifiers (letters, digits, dashes), so that a
// posted value never redirects elsewhere.
func isID(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
