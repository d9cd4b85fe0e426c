package web

import (
	"net/http"

	"cqp/internal/domain"
)

// statusSubmit moves the enrolment to the chosen status, with the reason typed.
func (s *Server) statusSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a := r.Context(), actorFrom(r.Context())
	f := newForm(r)
	fu, err := s.svc.Followup(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	to := domain.EnrolmentStatus(r.PostForm.Get("status"))
	if _, err := s.svc.SetEnrolmentStatus(ctx, a, fu.Candidate.ID, fu.Enrolment.ID, to, r.PostForm.Get("reason")); err != nil {
		return s.followupRefused(w, r, err, f, func(fs *followupForms) { fs.Status = f })
	}
	s.followupBack(w, r, "L'inscription passe au statut « "+to.Label()+" ».", "statut")
	return nil
}
