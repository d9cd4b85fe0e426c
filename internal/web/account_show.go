package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/store"
)

type accountPage struct {
	Form      *form
	TokenForm *form
	Tokens    []store.APIToken
	NewToken  string // the secret of a token just created, shown once
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, p accountPage) error {
	tokens, err := s.svc.APITokens(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	p.Tokens = tokens
	if p.Form == nil {
		p.Form = emptyForm()
	}
	if p.TokenForm == nil {
		p.TokenForm = emptyForm()
	}
	s.render(w, r, status, "account.html", "Mon compte", p)
	return nil
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, accountPage{})
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
		return s.renderAccount(w, r, formStatus(err), accountPage{Form: f})
	}
	s.flash(r, "Votre mot de passe a été changé.")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}

// accountTokenCreate creates an API token and shows its secret once, on this response only.
func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	secret, _, err := s.svc.CreateAPIToken(r.Context(), actorFrom(r.Context()), r.PostForm.Get("name"))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderAccount(w, r, formStatus(err), accountPage{TokenForm: f})
	}
	return s.renderAccount(w, r, http.StatusOK, accountPage{NewToken: secret})
}

func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	err := s.svc.RevokeAPIToken(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	switch domain.ErrorCode(err) {
	case "":
		s.flash(r, "Le jeton est révoqué : il ne donne plus accès à l'API.")
	case domain.ENOTFOUND:
		s.flash(r, "Ce jeton n'existe pas ou est déjà révoqué.")
	default:
		return err
	}
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}
