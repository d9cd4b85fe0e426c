package web

import (
	"net/http"
)

// userDisable stops an account from logging in; the reason goes to the audit trail.
func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) error {
	return s.setUserStatus(w, r, true)
}

// userEnable lets a disabled account log in again; the reason goes to the audit trail.
func (s *Server) userEnable(w http.ResponseWriter, r *http.Request) error {
	return s.setUserStatus(w, r, false)
}

func (s *Server) setUserStatus(w http.ResponseWriter, r *http.Request, disabled bool) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	id := r.PathValue("id")
	if err := s.svc.SetUserStatus(r.Context(), actorFrom(r.Context()), id, disabled, r.PostForm.Get("reason")); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderUser(w, r, formStatus(err), emptyForm(), f)
	}
	if disabled {
		s.flash(r, "Le compte est désactivé : la personne ne peut plus se connecter.")
	} else {
		s.flash(r, "Le compte est réactivé : la personne peut de nouveau se connecter.")
	}
	http.Redirect(w, r, "/comptes/"+id, http.StatusSeeOther)
	return nil
}
