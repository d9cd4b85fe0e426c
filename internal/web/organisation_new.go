package web

import (
	"net/http"

	"cqp/internal/domain"
)

type organisationNewPage struct {
	Form *form
}

func (s *Server) organisationNewForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "organisation_new.html", "Nouvel organisme de formation", organisationNewPage{Form: emptyForm()})
	return nil
}

func (s *Server) organisationNewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	o, err := s.svc.CreateTrainingOrganisation(r.Context(), actorFrom(r.Context()), domain.TrainingOrganisation{
		Name: v.Get("name"), SIRET: v.Get("siret"), City: v.Get("city"), Email: v.Get("email"),
	})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		s.render(w, r, formStatus(err), "organisation_new.html", "Nouvel organisme de formation", organisationNewPage{Form: f})
		return nil
	}
	s.flash(r, "L'organisme « "+o.Name+" » est enregistré. Accordez-lui ses habilitations ci-dessous.")
	http.Redirect(w, r, "/organismes/"+o.ID, http.StatusSeeOther)
	return nil
}
