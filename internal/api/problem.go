package api

import (
	"context"
	"errors"
	"net/http"
	"sort"

	"cqp/internal/domain"
	"cqp/internal/httpstatus"
)

// Problem is an error answer in the format of RFC 9457 (application/problem+json). Detail is
// French and safe to show a person; Errors maps a body field or a query parameter to its own
// French message.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`

	header http.Header // headers the status calls for (WWW-Authenticate, Retry-After, Allow)
}

// ProblemTypePrefix starts every problem type URI; the rest names the kind of problem.
const ProblemTypePrefix = "urn:cqp:problem:"

// requestError is a problem with the HTTP request itself (its body, its method, its path),
// found before any use case runs.
type requestError struct {
	Status int
	Detail string
	Fields map[string]string
	Allow  string // the methods a 405 answer lists
	// RetryAfter is the Retry-After header of an answer that asks the client to come back
	// (a 409 for a request still running with the same idempotency key).
	RetryAfter string
}

func (e *requestError) Error() string { return http.StatusText(e.Status) + ": " + e.Detail }

// errPanic is what a recovered panic is answered with; the panic itself is logged.
var errPanic = errors.New("panic in an API handler")

// statusKinds names each status the API answers with: problem type suffix and French title.
var statusKinds = map[int]struct{ kind, title string }{
	http.StatusBadRequest:            {"malformed", "Requête mal formée"},
	http.StatusUnauthorized:          {"unauthorized", "Authentification requise"},
	http.StatusForbidden:             {"forbidden", "Accès refusé"},
	http.StatusNotFound:              {"not-found", "Ressource introuvable"},
	http.StatusMethodNotAllowed:      {"method-not-allowed", "Méthode non autorisée"},
	http.StatusConflict:              {"conflict", "Conflit"},
	http.StatusRequestEntityTooLarge: {"too-large", "Requête trop volumineuse"},
	http.StatusUnsupportedMediaType:  {"unsupported-media-type", "Type de contenu non pris en charge"},
	http.StatusUnprocessableEntity:   {"invalid", "Données invalides"},
	http.StatusTooManyRequests:       {"too-many-requests", "Trop de requêtes"},
	http.StatusInternalServerError:   {"internal", "Erreur interne"},
	http.StatusServiceUnavailable:    {"unavailable", "Service momentanément indisponible"},
}

// retryAfterSeconds is the hint given with a 503.
const retryAfterSeconds = "5"

// internalDetail is all a client learns of an unexpected error.
const internalDetail = "Une erreur interne est survenue. Elle a été enregistrée : réessayez dans un instant, et si elle persiste, transmettez au secrétariat l'identifiant de la requête."

// ProblemOf turns any error into the problem the API answers with. It is the one place where
// error codes become HTTP statuses and headers. Errors that are not domain or request errors
// are internal: their text never reaches the client.
func ProblemOf(err error) Problem {
	var p Problem
	var re *requestError
	switch {
	case errors.As(err, &re):
		p.Status, p.Detail, p.Errors = re.Status, re.Detail, re.Fields
		if re.Allow != "" {
			p.header = http.Header{"Allow": {re.Allow}}
		}
		if re.RetryAfter != "" {
			p.header = http.Header{"Retry-After": {re.RetryAfter}}
		}
	case errors.Is(err, context.DeadlineExceeded):
		p.Status = http.StatusServiceUnavailable
		p.Detail = "La requête a pris trop de temps. Réessayez dans quelques secondes."
	default:
		p.Status = statusOf(domain.ErrorCode(err))
		p.Detail = domain.ErrorMessage(err)
		var de *domain.Error
		if errors.As(err, &de) && p.Status != http.StatusInternalServerError && len(de.Fields) > 0 {
			p.Errors = de.Fields
		}
	}
	switch p.Status {
	case http.StatusUnauthorized:
		p.header = http.Header{"Www-Authenticate": {`Bearer realm="cqp"`}}
	case http.StatusServiceUnavailable:
		p.header = http.Header{"Retry-After": {retryAfterSeconds}}
	case http.StatusInternalServerError:
		p.Detail, p.Errors = internalDetail, nil
	}
	k, ok := statusKinds[p.Status]
	if !ok {
		k = statusKinds[http.StatusInternalServerError]
		p.Status, p.Detail, p.Errors = http.StatusInternalServerError, internalDetail, nil
	}
	p.Type, p.Title = ProblemTypePrefix+k.kind, k.title
	return p
}

// statusOf maps a domain error code to its HTTP status, through the table shared with the
// other HTTP layer.
func statusOf(code string) int { return httpstatus.Of(code) }

// problem writes err as a problem document and logs, once, what an operator must see: the
// real error of a 500, the cause of a 503. Logs carry the route pattern, never the path or the
// query (they may hold names), nor the body.
func (a *API) problem(w http.ResponseWriter, r *http.Request, err error) {
	if httpstatus.ClientGone(r.Context(), err) {
		a.log.Debug("api request cancelled by the client", "error", err, "route", r.Pattern, "request_id", requestID(r.Context()))
		w.WriteHeader(httpstatus.ClientClosedRequest)
		return
	}
	p := ProblemOf(err)
	p.RequestID = requestID(r.Context())
	switch p.Status {
	case http.StatusInternalServerError:
		if !errors.Is(err, errPanic) {
			a.log.Error("api internal error", "error", err, "route", r.Pattern, "request_id", p.RequestID)
		}
	case http.StatusServiceUnavailable:
		cause := err
		var de *domain.Error
		if errors.As(err, &de) && de.Err != nil {
			cause = de.Err
		}
		a.log.Warn("api database unavailable", "error", cause, "route", r.Pattern, "request_id", p.RequestID)
	}
	for k, vs := range p.header {
		for _, v := range vs {
			w.Header().Set(k, v)
		}
	}
	writeJSON(w, p.Status, "application/problem+json", p)
}

// sortedFieldNames is used by renameFields to merge fields deterministically.
func sortedFieldNames(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// renameFields returns err with its field names replaced by the API's names (the JSON path
// of the request body), so that a client finds each message under the field it sent. When two
// names merge into one, the first in alphabetical order keeps its message.
func renameFields(err error, names map[string]string) error {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	out := *de
	fe := domain.FieldErrors{}
	for _, k := range sortedFieldNames(de.Fields) {
		name := k
		if n, ok := names[k]; ok {
			name = n
		}
		fe.Add(name, de.Fields[k])
	}
	out.Fields = fe
	return &out
}

// Overloaded returns the handler that answers an API request the server had no room for:
// 503, Retry-After, and detail as a problem document. The web server's load shedding calls it
// before any API code runs, so the request id is the one its middleware set.
func Overloaded(detail string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := ProblemOf(domain.Errorf(domain.EUNAVAILABLE, "%s", detail))
		p.RequestID = w.Header().Get("X-Request-Id")
		for k, vs := range p.header {
			for _, v := range vs {
				w.Header().Set(k, v)
			}
		}
		writeJSON(w, p.Status, "application/problem+json", p)
	})
}
