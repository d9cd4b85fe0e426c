package web

import (
	"errors"
	"net/http"
	"net/url"

	"cqp/internal/domain"
	"cqp/internal/httpstatus"
)

// statusOf maps a domain error code to its HTTP status, through the table shared with the
// other HTTP layer.
func statusOf(code string) int { return httpstatus.Of(code) }

// renderError shows err as a page. An anonymous visitor asking for a protected page is sent to
// the login form; internal errors are logged once and shown without detail.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if httpstatus.ClientGone(r.Context(), err) {
		s.log.Debug("request cancelled by the client", "error", err, "route", r.Pattern, "request_id", requestID(r.Context()))
		w.WriteHeader(httpstatus.ClientClosedRequest)
		return
	}
	code := domain.ErrorCode(err)
	if code == domain.EUNAUTHORIZED && r.Method == http.MethodGet && actorFrom(r.Context()).UserID == "" {
		http.Redirect(w, r, "/connexion?suite="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := statusOf(code)
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("internal error", "error", err, "route", r.Pattern, "request_id", requestID(r.Context()))
	case http.StatusServiceUnavailable:
		var de *domain.Error
		if errors.As(err, &de) {
			s.log.Warn("database unavailable", "error", de.Err, "route", r.Pattern, "request_id", requestID(r.Context()))
		}
		w.Header().Set("Retry-After", "5")
	}
	title := map[int]string{
		http.StatusNotFound:            "Page introuvable",
		http.StatusForbidden:           "Accès refusé",
		http.StatusUnauthorized:        "Connexion requise",
		http.StatusConflict:            "Action impossible",
		http.StatusServiceUnavailable:  "Service momentanément indisponible",
		http.StatusTooManyRequests:     "Trop de tentatives",
		http.StatusUnprocessableEntity: "Données incorrectes",
	}[status]
	if title == "" {
		title = "Erreur interne"
	}
	msg := domain.ErrorMessage(err)
	if status == http.StatusNotFound && code != domain.ENOTFOUND {
		msg = "Cette page n'existe pas."
	}
	s.render(w, r, status, "error.html", title, errorPage{Status: status, Message: msg, RequestID: requestID(r.Context())})
}

type errorPage struct {
	Status    int
	Message   string
	RequestID string
}

// notFound is the catch-all for unknown paths.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return domain.Errorf(domain.ENOTFOUND, "Cette page n'existe pas. Vérifiez l'adresse ou revenez au tableau de bord.")
}
