package web

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
)

// accreditationCreate grants the organisation an accreditation from the form on its page.
// Dates are read as JJ/MM/AAAA or as the YYYY-MM-DD a date input sends.
func (s *Server) accreditationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	acc := domain.Accreditation{TrainingOrganisationID: r.PathValue("id"), QualificationCode: v.Get("qualification")}
	fe := domain.FieldErrors{}
	for _, d := range []struct {
		name, label string
		into        *domain.Date
	}{{"valid_from", "début", &acc.ValidFrom}, {"valid_until", "fin", &acc.ValidUntil}} {
		raw := strings.TrimSpace(v.Get(d.name))
		if raw == "" {
			continue
		}
		parsed, err := domain.ParseFrenchDate(raw)
		if err != nil {
			fe.Add(d.name, "La date de "+d.label+" doit être au format JJ/MM/AAAA, par exemple 01/09/2026.")
			continue
		}
		*d.into = parsed
		// A date input shows only YYYY-MM-DD: give back what was typed in that form.
		f.Values.Set(d.name, parsed.ISO())
	}
	err := s.svc.AddAccreditation(r.Context(), actorFrom(r.Context()), acc)
	if err != nil {
		if !f.failWith(err, fe) {
			return err
		}
		return s.renderOrganisation(w, r, formStatus(err), f)
	}
	s.flash(r, "L'habilitation est accordée.")
	http.Redirect(w, r, "/organismes/"+acc.TrainingOrganisationID+"#habilitations", http.StatusSeeOther)
	return nil
}
