package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The first secretariat account is created either from CQP_ADMIN_EMAIL/CQP_ADMIN_PASSWORD or
// through the one-time link that `cqp serve` prints when no account exists.

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("jeton")
	ok, err := s.svc.ValidSetupToken(r.Context(), token)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Errorf(domain.ENOTFOUND, "Ce lien d'installation n'est plus valable. Relancez « cqp serve » pour en obtenir un nouveau.")
	}
	s.render(w, r, http.StatusOK, "setup.html", "Installation", resetPage{Form: emptyForm(), Token: token, Valid: true})
	return nil
}

func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	token := r.PostForm.Get("jeton")
	f.Values.Del("password")
	u, err := s.svc.CompleteSetup(r.Context(), token, service.UserInput{
		Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password")})
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return err
		}
		if !f.fail(err) {
			return err
		}
		s.render(w, r, formStatus(err), "setup.html", "Installation", resetPage{Form: f, Token: token, Valid: true})
		return nil
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserKey, u.ID)
	s.flash(r, "Le compte du secrétariat est créé. Bienvenue dans cqp.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
