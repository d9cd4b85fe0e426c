package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type organisationShowPage struct {
	Organisation   domain.TrainingOrganisation
	SIRETShown     string
	Accreditations []accreditationView
	Users          []domain.User
	// The accreditation form, for those who may grant one.
	Form           *form
	Qualifications []option
	// A refused suspension, withdrawal or reinstatement, shown under its accreditation.
	Status *statusForm
}

func (s *Server) organisationShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrganisation(w, r, http.StatusOK, emptyForm())
}

// renderOrganisation shows an organisation's page, with f in its accreditation form.
func (s *Server) renderOrganisation(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	return s.renderOrganisationPage(w, r, status, f, nil)
}

// renderOrganisationPage is renderOrganisation with a refused status change, if any.
func (s *Server) renderOrganisationPage(w http.ResponseWriter, r *http.Request, status int, f *form, sf *statusForm) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	o, err := s.svc.TrainingOrganisation(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	users, err := s.svc.OrganisationUsers(ctx, a, o.ID)
	if err != nil {
		return err
	}
	p := organisationShowPage{Organisation: o, SIRETShown: formatSIRET(o.SIRET),
		Accreditations: viewAccreditations(o.Accreditations, s.svc.Today()), Users: users, Form: f, Status: sf}
	if service.Can(a, service.ActOrganisationManage) {
		quals, err := s.svc.Qualifications(ctx)
		if err != nil {
			return err
		}
		for _, q := range quals {
			p.Qualifications = append(p.Qualifications, option{q.Code, q.Title})
		}
	}
	s.render(w, r, status, "organisation_show.html", o.Name, p)
	return nil
}
