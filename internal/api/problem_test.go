package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cqp/internal/domain"
)

func TestProblemOfMapsEveryErrorCodeToOneStatus(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		status int
		kind   string
		header string // "Name: value" the answer must carry
	}{
		{"invalid data is 422 with its fields", &domain.Error{Code: domain.EINVALID, Message: "Corrigez.", Fields: map[string]string{"siret": "Mauvais SIRET."}},
			http.StatusUnprocessableEntity, "invalid", ""},
		{"a missing record is 404", domain.Errorf(domain.ENOTFOUND, "Candidat introuvable."), http.StatusNotFound, "not-found", ""},
		{"a duplicate is 409", domain.Errorf(domain.ECONFLICT, "Ce SIRET est déjà enregistré."), http.StatusConflict, "conflict", ""},
		{"a role without the action is 403", domain.Errorf(domain.EFORBIDDEN, "Non."), http.StatusForbidden, "forbidden", ""},
		{"no valid token is 401 with a Bearer challenge", domain.Errorf(domain.EUNAUTHORIZED, "Jeton inconnu."), http.StatusUnauthorized,
			"unauthorized", `Www-Authenticate: Bearer realm="cqp"`},
		{"a busy database is 503 with a retry hint", &domain.Error{Code: domain.EUNAVAILABLE, Message: "Réessayez.", Err: errors.New("database is locked")},
			http.StatusServiceUnavailable, "unavailable", "Retry-After: 5"},
		{"a query that ran out of time is 503 with a retry hint", fmt.Errorf("list: %w", context.DeadlineExceeded),
			http.StatusServiceUnavailable, "unavailable", "Retry-After: 5"},
		{"throttling is 429", domain.Errorf(domain.ETOOMANY, "Trop de tentatives."), http.StatusTooManyRequests, "too-many-requests", ""},
		{"a wrong method is 405 with the accepted ones", &requestError{Status: http.StatusMethodNotAllowed, Detail: "Non.", Allow: "GET, HEAD"},
			http.StatusMethodNotAllowed, "method-not-allowed", "Allow: GET, HEAD"},
		{"a plain Go error is 500", errors.New(`pq: relation "candidates" does not exist`), http.StatusInternalServerError, "internal", ""},
		{"an internal domain error is 500", &domain.Error{Code: domain.EINTERNAL, Message: "détail interne", Fields: map[string]string{"x": "y"}},
			http.StatusInternalServerError, "internal", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ProblemOf(c.err)
			if p.Status != c.status || p.Type != ProblemTypePrefix+c.kind || p.Title == "" {
				t.Fatalf("problem = %+v, want status %d and kind %s", p, c.status, c.kind)
			}
			if c.header != "" {
				name, value, _ := strings.Cut(c.header, ": ")
				if got := p.header.Get(name); got != value {
					t.Errorf("%s = %q, want %q", name, got, value)
				}
			}
			if c.status == http.StatusInternalServerError {
				if p.Detail != internalDetail || p.Errors != nil {
					t.Errorf("an internal error shows %q %v", p.Detail, p.Errors)
				}
			} else if c.status != http.StatusServiceUnavailable && p.Detail != domain.ErrorMessage(c.err) && p.Detail != "Non." {
				t.Errorf("detail = %q", p.Detail)
			}
		})
	}
	if p := ProblemOf(cases[0].err); p.Errors["siret"] != "Mauvais SIRET." {
		t.Errorf("fields of an invalid error = %v", p.Errors)
	}
}

// answer runs a handler through the API's routing and returns the answer and the log.
func answer(t *testing.T, h handlerFunc) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var logs bytes.Buffer
	a := New(nil, slog.New(slog.NewTextHandler(&logs, nil)))
	a.routes = []route{a.route("GET", "/probe", "", h)}
	a.mux = a.buildMux()
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/probe", nil))
	return rec, logs.String()
}

func TestAnInternalErrorIsLoggedOnceAndNeverShown(t *testing.T) {
	secret := `pq: duplicate key value violates unique constraint "x" (email)=(someone@example.fr)`
	rec, logs := answer(t, func(http.ResponseWriter, *http.Request, domain.Actor) error { return errors.New(secret) })
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "pq:") {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Detail != internalDetail || p.RequestID == "" {
		t.Fatalf("problem %+v (%v)", p, err)
	}
	if n := strings.Count(logs, "api internal error"); n != 1 || !strings.Contains(logs, "request_id="+p.RequestID) || !strings.Contains(logs, "route=\"GET /api/v1/probe\"") {
		t.Errorf("logged %d times:\n%s", n, logs)
	}
}

func TestAPanicIsAnsweredAsAProblemAndLoggedOnce(t *testing.T) {
	rec, logs := answer(t, func(http.ResponseWriter, *http.Request, domain.Actor) error { panic("index out of range") })
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" ||
		strings.Contains(rec.Body.String(), "index out of range") {
		t.Fatalf("status %d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if n := strings.Count(logs, "level="); n != 1 || !strings.Contains(logs, "api panic") {
		t.Errorf("%d log lines:\n%s", n, logs)
	}
}

func TestAnUnavailableDatabaseIsLoggedOnceWithItsCause(t *testing.T) {
	rec, logs := answer(t, func(http.ResponseWriter, *http.Request, domain.Actor) error {
		return &domain.Error{Code: domain.EUNAVAILABLE, Message: "La base de données est momentanément indisponible.", Err: errors.New("database is locked (5)")}
	})
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != retryAfterSeconds {
		t.Fatalf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if strings.Count(logs, "level=") != 1 || !strings.Contains(logs, "database is locked") {
		t.Errorf("logs:\n%s", logs)
	}
}

func TestAnExpectedErrorIsNotLogged(t *testing.T) {
	rec, logs := answer(t, func(http.ResponseWriter, *http.Request, domain.Actor) error {
		return domain.Errorf(domain.ENOTFOUND, "Candidat introuvable.")
	})
	if rec.Code != http.StatusNotFound || logs != "" {
		t.Errorf("status %d, logs %q", rec.Code, logs)
	}
}

func TestTheWebServersRequestIDIsReused(t *testing.T) {
	a := New(nil, nil)
	rec := httptest.NewRecorder()
	rec.Header().Set("X-Request-Id", "web-0001")
	a.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/me", nil))
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.RequestID != "web-0001" {
		t.Errorf("request_id = %q (%v)", p.RequestID, err)
	}
}
