package web

import (
	"net/http"
)

type accountPage struct {
	Form *form
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "account.html", "Mon compte", accountPage{Form: emptyForm()})
	return nil
}

func (s *Server) accountPasswordSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := emptyForm()
	if err := s.svc.ChangePassword(r.Context(), actorFrom(r.Context()), r.PostForm.Get("current"), r.PostForm.Get("password")); err != nil {
		if !f.fail(err) {
			return err
		}
		s.render(w, r, formStatus(err), "account.html", "Mon compte", accountPage{Form: f})
		return nil
	}
	s.flash(r, "Votre mot de passe a été changé.")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}
