package web

import (
	"net/http"

	"cqp/internal/domain"
)

// accreditationStatus suspends, withdraws or reinstates one of the organisation's
// accreditations, with the reason typed in the form under it on the organisation's page.
func (s *Server) accreditationStatus(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a := r.Context(), actorFrom(r.Context())
	o, err := s.svc.TrainingOrganisation(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	accID, found := r.PathValue("acc"), false
	for _, acc := range o.Accreditations {
		found = found || acc.ID == accID
	}
	if !found {
		return domain.Errorf(domain.ENOTFOUND, "Habilitation introuvable.")
	}
	reason := r.PostForm.Get("reason")
	var done string
	switch domain.AccreditationStatus(r.PostForm.Get("to")) {
	case domain.AccreditationSuspended:
		err, done = s.svc.SuspendAccreditation(ctx, a, accID, reason), "L'habilitation est suspendue ; l'organisme en est informé par e-mail."
	case domain.AccreditationWithdrawn:
		err, done = s.svc.WithdrawAccreditation(ctx, a, accID, reason), "L'habilitation est retirée ; l'organisme en est informé par e-mail."
	case domain.AccreditationActive:
		err, done = s.svc.ReinstateAccreditation(ctx, a, accID, reason), "L'habilitation est rétablie ; l'organisme en est informé par e-mail."
	default:
		err = domain.Errorf(domain.EINVALID, "Choisissez de suspendre, de retirer ou de rétablir l'habilitation.")
	}
	if err != nil {
		f := emptyForm()
		if !f.fail(err) {
			return err
		}
		return s.renderOrganisationPage(w, r, formStatus(err), emptyForm(), &statusForm{AccreditationID: accID, Form: f, Reason: reason})
	}
	s.flash(r, done)
	http.Redirect(w, r, "/organismes/"+o.ID+"#habilitations", http.StatusSeeOther)
	return nil
}

// statusForm is a refused status change, shown under its accreditation.
type statusForm struct {
	AccreditationID string
	Form            *form
	Reason          string
}
