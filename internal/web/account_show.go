package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type accountPage struct {
	Form        *form
	TokenForm   *form
	Tokens      []tokenRow
	NewToken    string // the secret of a token just created, shown once
	DefaultDays int
	MaxDays     int

	// The webhooks (issue 17), for the roles that read the change feed.
	CanWebhooks      bool
	WebhookForm      *form
	Webhooks         []service.WebhookView
	NewWebhookSecret string // the secret of a webhook just created, shown once
	WebhookLogSize   int
}

// tokenRow is one API token on « Mon compte », with what became of it.
type tokenRow struct {
	store.APIToken
	Expired      bool // its lifetime is over
	EndedByReset bool // a password reset ended it
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, p accountPage) error {
	tokens, err := s.svc.APITokens(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	now := s.svc.Now()
	for _, t := range tokens {
		p.Tokens = append(p.Tokens, tokenRow{APIToken: t, Expired: t.RevokedAt == nil && t.Expired(now),
			EndedByReset: t.RevokeReason == store.RevokedByReset})
	}
	if p.Form == nil {
		p.Form = emptyForm()
	}
	if p.TokenForm == nil {
		p.TokenForm = emptyForm()
		p.TokenForm.Values.Set("days", strconv.Itoa(service.DefaultAPITokenDays))
	}
	p.DefaultDays, p.MaxDays = service.DefaultAPITokenDays, service.MaxAPITokenDays
	a := actorFrom(r.Context())
	if p.CanWebhooks = service.Can(a, service.ActEventRead); p.CanWebhooks {
		if p.Webhooks, err = s.svc.Webhooks(r.Context(), a); err != nil {
			return err
		}
		if p.WebhookForm == nil {
			p.WebhookForm = emptyForm()
		}
		p.WebhookLogSize = service.WebhookLogSize
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
	generation, err := s.svc.ChangePassword(r.Context(), actorFrom(r.Context()), r.PostForm.Get("current"), r.PostForm.Get("password"))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderAccount(w, r, formStatus(err), accountPage{Form: f})
	}
	// This session carries on, under a new token and the account's new generation; every
	// other session of the account has ended.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionGenerationKey, generation)
	s.flash(r, "Votre mot de passe a été changé. Vos autres sessions sont fermées : reconnectez-vous sur vos autres appareils.")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}

// accountTokenCreate creates an API token and shows its secret once, on this response only.
func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	days := service.DefaultAPITokenDays
	if v := strings.TrimSpace(r.PostForm.Get("days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			msg := fmt.Sprintf("Indiquez la durée de validité en jours, un nombre de 1 à %d.", service.MaxAPITokenDays)
			err := &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"days": msg}}
			f.fail(err)
			return s.renderAccount(w, r, formStatus(err), accountPage{TokenForm: f})
		}
		days = n
	}
	secret, _, err := s.svc.CreateAPIToken(r.Context(), actorFrom(r.Context()), r.PostForm.Get("name"), days)
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

// accountWebhookCreate subscribes an address to the change feed and shows its secret once, on
// this response only.
func (s *Server) accountWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	secret, _, err := s.svc.CreateWebhook(r.Context(), actorFrom(r.Context()), r.PostForm.Get("url"))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderAccount(w, r, formStatus(err), accountPage{WebhookForm: f})
	}
	return s.renderAccount(w, r, http.StatusOK, accountPage{NewWebhookSecret: secret})
}

func (s *Server) accountWebhookDisable(w http.ResponseWriter, r *http.Request) error {
	err := s.svc.DisableWebhook(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	switch domain.ErrorCode(err) {
	case "":
		s.flash(r, "Le webhook est désactivé : plus rien ne lui est envoyé. Son journal reste consultable.")
	case domain.ENOTFOUND, domain.ECONFLICT:
		s.flash(r, "Ce webhook n'existe pas ou est déjà désactivé.")
	default:
		return err
	}
	http.Redirect(w, r, "/compte#webhooks", http.StatusSeeOther)
	return nil
}

func (s *Server) accountWebhookDelete(w http.ResponseWriter, r *http.Request) error {
	err := s.svc.DeleteWebhook(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	switch domain.ErrorCode(err) {
	case "":
		s.flash(r, "Le webhook est supprimé, avec son journal d'envois.")
	case domain.ENOTFOUND:
		s.flash(r, "Ce webhook n'existe pas ou a déjà été supprimé.")
	default:
		return err
	}
	http.Redirect(w, r, "/compte#webhooks", http.StatusSeeOther)
	return nil
}
