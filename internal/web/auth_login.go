package web

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type loginPage struct {
	Form *form
	Next string
}

// safeNext keeps a post-login redirect inside cqp.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if actorFrom(r.Context()).UserID != "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	if need, err := s.svc.NeedsSetup(r.Context()); err != nil {
		return err
	} else if need {
		s.render(w, r, http.StatusOK, "setup_needed.html", "Installation", nil)
		return nil
	}
	s.render(w, r, http.StatusOK, "login.html", "Connexion", loginPage{Form: emptyForm(), Next: safeNext(r.URL.Query().Get("suite"))})
	return nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	f.Values.Del("password")
	next := safeNext(r.PostForm.Get("suite"))
	u, err := s.svc.Login(r.Context(), r.PostForm.Get("email"), r.PostForm.Get("password"), clientIP(r))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		if domain.ErrorCode(err) == domain.ETOOMANY {
			w.Header().Set("Retry-After", strconv.Itoa(int(service.LoginRetryAfter(err).Seconds())))
		}
		s.render(w, r, formStatus(err), "login.html", "Connexion", loginPage{Form: f, Next: next})
		return nil
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserKey, u.ID)
	s.sessions.Put(r.Context(), sessionGenerationKey, u.SessionGeneration)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}

func (s *Server) resetRequestForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "password_forgot.html", "Mot de passe oublié", loginPage{Form: emptyForm()})
	return nil
}

func (s *Server) resetRequestSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if err := s.svc.RequestPasswordReset(r.Context(), r.PostForm.Get("email"), clientIP(r)); err != nil {
		if !f.fail(err) {
			return err
		}
		s.render(w, r, formStatus(err), "password_forgot.html", "Mot de passe oublié", loginPage{Form: f})
		return nil
	}
	s.flash(r, "Si un compte existe pour cette adresse, un courriel vient de lui être envoyé avec un lien valable une heure.")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}

type resetPage struct {
	Form  *form
	Token string
	Valid bool
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("jeton")
	ok, err := s.svc.ValidResetToken(r.Context(), token)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "password_reset.html", "Nouveau mot de passe", resetPage{Form: emptyForm(), Token: token, Valid: ok})
	return nil
}

func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	token := r.PostForm.Get("jeton")
	pw := r.PostForm.Get("password")
	f.Values.Del("password")
	f.Values.Del("confirm")
	var err error
	if pw != r.PostForm.Get("confirm") {
		err = &domain.Error{Code: domain.EINVALID, Message: "Les deux mots de passe ne sont pas identiques.",
			Fields: map[string]string{"confirm": "Retapez exactement le même mot de passe."}}
	} else {
		err = s.svc.ResetPassword(r.Context(), token, pw)
	}
	if err != nil {
		if !f.fail(err) && domain.ErrorCode(err) != domain.ENOTFOUND {
			return err
		}
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			f.Error = domain.ErrorMessage(err)
		}
		s.render(w, r, formStatus(err), "password_reset.html", "Nouveau mot de passe", resetPage{Form: f, Token: token, Valid: domain.ErrorCode(err) != domain.ENOTFOUND})
		return nil
	}
	s.flash(r, "Votre mot de passe a été changé. Connectez-vous avec le nouveau. Vos autres sessions sont fermées et vos jetons d'API ont pris fin : créez-en de nouveaux depuis « Mon compte ».")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}
