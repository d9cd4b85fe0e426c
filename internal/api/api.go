// Package api is cqp's JSON API, version 1, served under /api/v1/. Every route but the
// OpenAPI document and the public verification of a certificate by its code needs a bearer
// token that a user created for themselves; the token acts
// with its owner's roles. Every route names the service.Action it serves: the permission table
// decides whether the role may (403 otherwise), and the service enforces each record's scope
// (outside it a record is 404, never 403). Responses are JSON documents of their own (DTOs),
// separate from the domain types; errors are application/problem+json (RFC 9457) with a French
// detail. Every POST may carry an Idempotency-Key header that makes its retries safe
// (idempotency.go). The contract is openapi.yaml in this directory, a copy of docs/openapi.yaml.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// Prefix is the path every API route starts with.
const Prefix = "/api/v1"

// API serves the JSON API.
type API struct {
	svc    *service.Service
	log    *slog.Logger
	routes []route
	mux    *http.ServeMux
}

// RouteInfo describes one registered route, for tests that walk every route.
type RouteInfo struct {
	Method  string         // "GET" or "POST"
	Pattern string         // path pattern, e.g. "/api/v1/candidates/{id}"
	Action  service.Action // what the route does; "" for the public OpenAPI document
}

// handlerFunc serves one route for an authenticated actor and returns its error for one
// adapter to turn into a problem document.
type handlerFunc func(w http.ResponseWriter, r *http.Request, a domain.Actor) error

type route struct {
	RouteInfo
	handle handlerFunc
}

// New builds the API and registers every route.
func New(svc *service.Service, log *slog.Logger) *API {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &API{svc: svc, log: log}
	a.routes = []route{
		a.route("GET", "/openapi.yaml", "", a.openAPIShow),
		a.route("GET", "/me", service.ActAccount, a.meShow),

		a.route("GET", "/candidates", service.ActCandidateList, a.candidatesList),
		a.route("POST", "/candidates", service.ActCandidateCreate, a.candidateCreate),
		a.route("GET", "/candidates/{id}", service.ActCandidateRead, a.candidateShow),
		a.route("GET", "/candidates/{id}/timeline", service.ActCandidateRead, a.candidateTimeline),
		a.route("GET", "/candidates/{id}/held-blocks", service.ActCandidateRead, a.candidateHeldBlocks),
		a.route("GET", "/candidates/{id}/surveys", service.ActCandidateRead, a.candidateSurveys),
		a.route("GET", "/candidates/{id}/personal-data", service.ActPersonalDataExport, a.candidatePersonalData),

		a.route("GET", "/enrolments/{id}/blocks", service.ActCandidateRead, a.enrolmentBlocks),
		a.route("GET", "/enrolments/{id}/block-tests", service.ActCandidateRead, a.enrolmentBlockTests),

		a.route("GET", "/frameworks", service.ActFrameworkRead, a.frameworksList),
		a.route("GET", "/frameworks/{id}", service.ActFrameworkRead, a.frameworkShow),

		a.route("GET", "/training-organisations", service.ActOrganisationRead, a.organisationsList),
		a.route("POST", "/training-organisations", service.ActOrganisationManage, a.organisationCreate),
		a.route("GET", "/training-organisations/{id}", service.ActOrganisationRead, a.organisationShow),

		a.route("GET", "/companies", service.ActCompanyRead, a.companiesList),
		a.route("POST", "/companies", service.ActCompanyManage, a.companyCreate),
		a.route("GET", "/companies/{id}", service.ActCompanyRead, a.companyShow),

		a.route("GET", "/vae", service.ActVAERead, a.vaeList),
		a.route("GET", "/vae/{id}", service.ActVAERead, a.vaeShow),
		a.route("GET", "/vae/{id}/evidence/{evidence}", service.ActVAERead, a.vaeEvidenceDownload),
		a.route("POST", "/vae/{id}/review", service.ActVAEReview, a.vaeReviewGive),

		a.route("GET", "/users", service.ActUserManage, a.usersList),
		a.route("POST", "/users", service.ActUserManage, a.userCreate),

		a.route("GET", "/audit", service.ActAuditRead, a.auditList),

		a.route("GET", "/statistics", service.ActStatisticsRead, a.statisticsShow),

		a.route("GET", "/verify/{code}", "", a.verifyShow),
	}
	a.routes = append(a.routes, a.juryRoutes()...)
	a.routes = append(a.routes, a.trainingRoutes()...)
	a.routes = append(a.routes, a.evaluationRoutes()...)
	a.routes = append(a.routes, a.eventRoutes()...)
	a.mux = a.buildMux()
	return a
}

func (a *API) route(method, path string, act service.Action, h handlerFunc) route {
	return route{RouteInfo: RouteInfo{Method: method, Pattern: Prefix + path, Action: act}, handle: h}
}

// Routes returns every registered route.
func (a *API) Routes() []RouteInfo {
	out := make([]RouteInfo, len(a.routes))
	for i, rt := range a.routes {
		out[i] = rt.RouteInfo
	}
	return out
}

// buildMux registers each route under "METHOD path", each path once more for any other
// method (405 with Allow), and a catch-all that answers 404, all as problem documents.
func (a *API) buildMux() *http.ServeMux {
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range a.routes {
		mux.Handle(rt.Method+" "+rt.Pattern, a.adapt(rt))
		if _, ok := allowed[rt.Pattern]; !ok {
			paths = append(paths, rt.Pattern)
		}
		allowed[rt.Pattern] = append(allowed[rt.Pattern], rt.Method)
	}
	for _, p := range paths {
		methods := allowed[p]
		if slices.Contains(methods, http.MethodGet) {
			methods = append(methods, http.MethodHead)
		}
		allow := strings.Join(methods, ", ")
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			a.problem(w, r, &requestError{Status: http.StatusMethodNotAllowed, Allow: allow,
				Detail: "La méthode " + r.Method + " n'est pas acceptée sur cette adresse. Méthodes acceptées : " + allow + "."})
		})
	}
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		a.problem(w, r, &requestError{Status: http.StatusNotFound,
			Detail: "Cette adresse ne correspond à aucune ressource de l'API. La liste des ressources est dans " + Prefix + "/openapi.yaml."})
	})
	return mux
}

// Handler returns the API's HTTP handler, to mount at "/api/v1/".
func (a *API) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The web server's middleware may already have given the request an id: reuse it so
		// that both layers log the same one.
		id := w.Header().Get("X-Request-Id")
		if id == "" {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
			w.Header().Set("X-Request-Id", id)
		}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.Error("api panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()), "route", r.Pattern, "request_id", id)
				a.problem(w, r, errPanic)
			}
		}()
		a.mux.ServeHTTP(w, r)
	})
}

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// adapt runs the permission check before the handler: no or a bad token is 401, a role
// without the action is 403. A POST sent with an Idempotency-Key header runs at most once per
// key and user (idempotency.go). The handler's error becomes a problem document.
func (a *API) adapt(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := domain.Actor{RequestID: requestID(r.Context())}
		if rt.Action != "" {
			// Answers about people must not stay in shared caches.
			w.Header().Set("Cache-Control", "no-store")
			var err error
			if actor, err = a.authenticate(r); err != nil {
				a.problem(w, r, err)
				return
			}
			if !service.Can(actor, rt.Action) {
				a.problem(w, r, domain.Errorf(domain.EFORBIDDEN, "Votre rôle ne permet pas cette action."))
				return
			}
		}
		if r.Method == http.MethodPost && actor.UserID != "" {
			if keys := r.Header.Values(IdempotencyKeyHeader); len(keys) > 0 {
				a.serveIdempotent(w, r, actor, rt, keys)
				return
			}
		}
		a.serve(w, r, actor, rt)
	})
}

// serve runs the route's handler and turns its error into a problem document.
func (a *API) serve(w http.ResponseWriter, r *http.Request, actor domain.Actor, rt route) {
	if err := rt.handle(w, r, actor); err != nil {
		a.problem(w, r, err)
	}
}

// authenticate reads the bearer token of the Authorization header.
func (a *API) authenticate(r *http.Request) (domain.Actor, error) {
	id := requestID(r.Context())
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return domain.Actor{RequestID: id}, domain.Errorf(domain.EUNAUTHORIZED,
			"Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> » avec un jeton créé depuis la page « Mon compte ».")
	}
	token := bearerToken(r)
	if token == "" {
		return domain.Actor{RequestID: id}, domain.Errorf(domain.EUNAUTHORIZED,
			"L'en-tête Authorization doit avoir la forme « Bearer <jeton> ».")
	}
	return a.svc.ActorForAPIToken(r.Context(), token, id)
}

// bearerToken returns the token of a « Bearer <jeton> » Authorization header, or "".
func bearerToken(r *http.Request) string {
	scheme, token, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
