package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// clock is the service's clock, moved by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a real store and service with the shipped framework and a small cast: two
// accredited training organisations (A and B), a company, a candidate enrolled with B, and an
// account with a token for each role the tests need.
type fixture struct {
	ctx     context.Context
	svc     *service.Service
	handler http.Handler
	clock   *clock
	spec    *spec
	logs    *bytes.Buffer
	sys     domain.Actor

	orgA, orgB domain.TrainingOrganisation
	company    domain.Company
	candidate  domain.Candidate // enrolled with B
	users      map[string]domain.User
	tokens     map[string]string // persona → bearer token
}

// Personas, each with one account and one token.
const (
	secretariat = "secretariat"
	branch      = "branch"
	ofA         = "ofA"
	ofB         = "ofB"
	candidate   = "candidate"
)

// validSIRET completes 13 digits into a valid SIRET: the SIREN's key replaces the 9th digit,
// the SIRET's key comes last.
func validSIRET(first13 string) string {
	for k := '0'; k <= '9'; k++ {
		for d := '0'; d <= '9'; d++ {
			s := first13[:8] + string(k) + first13[9:] + string(d)
			if domain.CheckSIRET(s) == "" {
				return s
			}
		}
	}
	panic("no Luhn keys for " + first13)
}

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil))
	svc := service.New(st, clk.now, log, "http://cqp.test")
	f := &fixture{ctx: ctx, svc: svc, handler: api.New(svc, log).Handler(), clock: clk, spec: loadSpec(t),
		logs: logs, sys: domain.SystemActor("test"), users: map[string]domain.User{}, tokens: map[string]string{}}

	file, err := frameworkfile.Shipped()
	must(t, err)
	_, err = svc.ImportFrameworks(ctx, f.sys, file.Branch, file.Frameworks)
	must(t, err)

	f.orgA, err = svc.CreateTrainingOrganisation(ctx, f.sys, domain.TrainingOrganisation{Name: "Institut Alpha", SIRET: validSIRET("4410000000001"), City: "Nantes"})
	must(t, err)
	f.orgB, err = svc.CreateTrainingOrganisation(ctx, f.sys, domain.TrainingOrganisation{Name: "Formation Bêta", SIRET: validSIRET("4410000000002"), City: "Lyon"})
	must(t, err)
	for _, o := range []domain.TrainingOrganisation{f.orgA, f.orgB} {
		must(t, svc.AddAccreditation(ctx, f.sys, domain.Accreditation{TrainingOrganisationID: o.ID, QualificationCode: "CC",
			ValidFrom: domain.NewDate(2025, 1, 1), ValidUntil: domain.NewDate(2027, 12, 31)}))
	}
	f.company, err = svc.CreateCompany(ctx, f.sys, domain.Company{Name: "Cabinet Durand Courtage", SIRET: validSIRET("5520000000001"), City: "Paris"})
	must(t, err)
	f.candidate, err = svc.CreateCandidate(ctx, f.sys, service.CandidateInput{
		Candidate: domain.Candidate{BirthName: "Lefèvre", FirstNames: "Éloïse Marie", BirthDate: domain.NewDate(1995, 4, 12),
			Sex: domain.SexFemale, BirthINSEE: "75056", Email: "eloise.lefevre@example.fr"},
		Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicEmployee,
			TrainingOrganisationID: f.orgB.ID, CompanyID: f.company.ID, Blocks: []string{"OPT1", "OPT2"}},
	})
	must(t, err)

	for persona, role := range map[string]domain.RoleAssignment{
		secretariat: {Role: domain.RoleSecretariat},
		branch:      {Role: domain.RoleBranch},
		ofA:         {Role: domain.RoleTrainingOrganisation, ScopeID: f.orgA.ID},
		ofB:         {Role: domain.RoleTrainingOrganisation, ScopeID: f.orgB.ID},
		candidate:   {Role: domain.RoleCandidate, ScopeID: f.candidate.ID},
	} {
		u, err := svc.CreateUser(ctx, f.sys, service.UserInput{Email: persona + "@example.fr", Name: "Compte " + persona,
			Roles: []domain.RoleAssignment{role}})
		must(t, err)
		f.users[persona] = u
		token, _, err := svc.CreateAPIToken(ctx, f.actor(t, persona), "tests", service.DefaultAPITokenDays)
		must(t, err)
		f.tokens[persona] = token
	}
	return f
}

// actor is the persona's actor as a logged-in session would have it.
func (f *fixture) actor(t testing.TB, persona string) domain.Actor {
	t.Helper()
	a, err := f.svc.Actor(f.ctx, f.users[persona].ID, "")
	must(t, err)
	return a
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// response is an answer of the API.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object.
func (r response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Items returns the "items" of a list.
func (r response) Items(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, x := range r.JSON(t)["items"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// Problem decodes a problem document.
func (r response) Problem(t testing.TB) api.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json\n%s", ct, r.Body)
	}
	var p api.Problem
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("body is not a problem: %v\n%s", err, r.Body)
	}
	return p
}

// get sends a GET as the persona ("" for no token).
func (f *fixture) get(t testing.TB, persona, path string) response {
	t.Helper()
	return f.send(t, http.MethodGet, path, f.tokens[persona], "", nil)
}

// post sends v as JSON as the persona.
func (f *fixture) post(t testing.TB, persona, path string, v any) response {
	t.Helper()
	body, err := json.Marshal(v)
	must(t, err)
	return f.send(t, http.MethodPost, path, f.tokens[persona], "application/json", body)
}

// send makes one request and checks the answer against the OpenAPI document: documented
// status and media type, a body that matches the schema, a problem document for every error,
// and, for a request the API accepted, a body that matches the documented request schema.
func (f *fixture) send(t testing.TB, method, path, token, contentType string, body []byte) response {
	t.Helper()
	authorization := ""
	if token != "" {
		authorization = "Bearer " + token
	}
	return f.sendAuth(t, method, path, authorization, contentType, body)
}

// sendAuth is send with the whole Authorization header.
func (f *fixture) sendAuth(t testing.TB, method, path, authorization, contentType string, body []byte) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	r := response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	ct := r.Header.Get("Content-Type")
	f.spec.checkResponse(t, method, path, r.Status, ct, r.Body)
	if r.Status >= 400 {
		p := r.Problem(t)
		if p.Status != r.Status || !strings.HasPrefix(p.Type, api.ProblemTypePrefix) || p.Title == "" || p.Detail == "" {
			t.Errorf("%s %s: incomplete problem %+v", method, path, p)
		}
		if p.RequestID == "" || p.RequestID != r.Header.Get("X-Request-Id") {
			t.Errorf("%s %s: problem request_id %q, header %q", method, path, p.RequestID, r.Header.Get("X-Request-Id"))
		}
	} else if body != nil && contentType == "application/json" {
		f.spec.checkRequest(t, method, path, body)
	}
	return r
}

// wantStatus fails the test unless the answer has the status.
func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
}

// eachStore runs fn against a fresh fixture on SQLite and, when configured, PostgreSQL.
func eachStore(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fn(t, newFixture(t, st))
	})
}
