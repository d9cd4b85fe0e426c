package web

import (
	"net/http"

	"cqp/internal/domain"
)

type companyNewPage struct {
	Form *form
}

func (s *Server) companyNewForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "company_new.html", "Nouvelle entreprise", companyNewPage{Form: emptyForm()})
	return nil
}

func (s *Server) companyNewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	c, err := s.svc.CreateCompany(r.Context(), actorFrom(r.Context()), domain.Company{
		Name: v.Get("name"), SIRET: v.Get("siret"), City: v.Get("city"),
	})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		s.render(w, r, formStatus(err), "company_new.html", "Nouvelle entreprise", companyNewPage{Form: f})
		return nil
	}
	s.flash(r, "L'entreprise « "+c.Name+" » est enregistrée.")
	http.Redirect(w, r, "/entreprises/"+c.ID, http.StatusSeeOther)
	return nil
}
