package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
)

// TestEveryAPIRouteGivesEachRoleExactlyWhatThePermissionTableAllows walks every registered
// API route with a token of every role (scoped to side A of the fixture) and without a token.
// Every write carries a body full of results (a status, an outcome, a jury decision): only a
// jury's closing writes a result (DOMAIN.md §7 rule 4), so afterwards none may be found that a
// closed session does not account for, and no status change names an outcome.
func TestEveryAPIRouteGivesEachRoleExactlyWhatThePermissionTableAllows(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	a := api.New(w.Service, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	ctx := context.Background()
	tokens := map[domain.Role]string{}
	for _, role := range domain.Roles {
		secret, _, err := w.Service.CreateAPIToken(ctx, w.Actor(t, w.Accounts[role]), "walk", service.DefaultAPITokenDays)
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = secret
	}
	vae := w.VAE(t)
	jw := juryWorldOf(t, w)
	actionA := walkAction(t, w)
	marksAction, _ := seedMarksAction(t, w, w.OrgA, "CC Walk")
	enrolmentA := "/api/v1/enrolments/" + w.EnrolmentA
	samples := map[string]string{
		"/api/v1/candidates/{id}":               "/api/v1/candidates/" + w.CandidateA,
		"/api/v1/candidates/{id}/timeline":      "/api/v1/candidates/" + w.CandidateA + "/timeline",
		"/api/v1/candidates/{id}/held-blocks":   "/api/v1/candidates/" + w.CandidateA + "/held-blocks",
		"/api/v1/candidates/{id}/surveys":       "/api/v1/candidates/" + w.CandidateA + "/surveys",
		"/api/v1/candidates/{id}/personal-data": "/api/v1/candidates/" + w.CandidateA + "/personal-data",
		"/api/v1/enrolments/{id}/blocks":        "/api/v1/enrolments/" + w.EnrolmentA + "/blocks",
		"/api/v1/enrolments/{id}/block-tests":   "/api/v1/enrolments/" + w.EnrolmentA + "/block-tests",
		"/api/v1/frameworks/{id}":               "/api/v1/frameworks/" + w.FrameworkCC,
		"/api/v1/training-organisations/{id}":   "/api/v1/training-organisations/" + w.OrgA,
		"/api/v1/companies/{id}":                "/api/v1/companies/" + w.CompanyA,
		"/api/v1/vae/{id}":                      "/api/v1/vae/" + vae.SideA,
		"/api/v1/vae/{id}/evidence/{evidence}":  "/api/v1/vae/" + vae.SideA + "/evidence/" + vae.EvidenceA,
		"/api/v1/vae/{id}/review":               "/api/v1/vae/" + vae.SideA + "/review",
		"/api/v1/verify/{code}":                 "/api/v1/verify/ACDEFGHJKMNP",

		"/api/v1/commissions/{id}":                                       "/api/v1/commissions/" + w.CommissionID,
		"/api/v1/commissions/{id}/orals":                                 "/api/v1/commissions/" + w.CommissionID + "/orals",
		"/api/v1/orals/{id}":                                             "/api/v1/orals/" + w.OralID,
		"/api/v1/orals/{id}/convocations":                                "/api/v1/orals/" + w.OralID + "/convocations",
		"/api/v1/jury-sessions/{id}":                                     "/api/v1/jury-sessions/" + jw.open,
		"/api/v1/jury-sessions/{id}/candidates/{enrolment}":              "/api/v1/jury-sessions/" + jw.open + "/candidates/" + jw.enrolmentC,
		"/api/v1/certificates/{id}":                                      "/api/v1/certificates/" + jw.certA.ID,
		"/api/v1/certificates/{id}/pdf":                                  "/api/v1/certificates/" + jw.certA.ID + "/pdf",
		"/api/v1/certificates/{id}/revocation":                           "/api/v1/certificates/" + jw.certA.ID + "/revocation",
		"/api/v1/companies/{id}/blocs-choices":                           "/api/v1/companies/" + w.CompanyA + "/blocs-choices",
		"/api/v1/companies/{id}/blocs-enrolments":                        "/api/v1/companies/" + w.CompanyA + "/blocs-enrolments",
		"/api/v1/candidates/{id}/blocs-final-stage":                      "/api/v1/candidates/" + w.CandidateA + "/blocs-final-stage",
		"/api/v1/actions/{id}":                                           "/api/v1/actions/" + actionA,
		"/api/v1/actions/{id}/calendar":                                  "/api/v1/actions/" + actionA + "/calendar",
		"/api/v1/actions/{id}/comments":                                  "/api/v1/actions/" + actionA + "/comments",
		"/api/v1/actions/{id}/review":                                    "/api/v1/actions/" + actionA + "/review",
		"/api/v1/actions/{id}/refusal":                                   "/api/v1/actions/" + actionA + "/refusal",
		"/api/v1/actions/{id}/enrolments":                                "/api/v1/actions/" + actionA + "/enrolments",
		"/api/v1/enrolments/{id}":                                        "/api/v1/enrolments/" + w.EnrolmentA,
		"/api/v1/enrolments/{id}/intake":                                 "/api/v1/enrolments/" + w.EnrolmentA + "/intake",
		"/api/v1/enrolments/{id}/status":                                 "/api/v1/enrolments/" + w.EnrolmentA + "/status",
		"/api/v1/enrolments/{id}/followup":                               "/api/v1/enrolments/" + w.EnrolmentA + "/followup",
		"/api/v1/enrolments/{id}/training-hours":                         "/api/v1/enrolments/" + w.EnrolmentA + "/training-hours",
		"/api/v1/enrolments/{id}/internships":                            "/api/v1/enrolments/" + w.EnrolmentA + "/internships",
		"/api/v1/enrolments/{id}/internships/{internship}/removal":       "/api/v1/enrolments/" + w.EnrolmentA + "/internships/unknown/removal",
		"/api/v1/enrolments/{id}/continuous-marks":                       enrolmentA + "/continuous-marks",
		"/api/v1/enrolments/{id}/continuous-marks/{assessment}/removal":  enrolmentA + "/continuous-marks/walk/removal",
		"/api/v1/actions/{id}/continuous-marks":                          "/api/v1/actions/" + marksAction + "/continuous-marks",
		"/api/v1/enrolments/{id}/logbook":                                enrolmentA + "/logbook",
		"/api/v1/enrolments/{id}/grids/training-organisation":            enrolmentA + "/grids/training-organisation",
		"/api/v1/enrolments/{id}/grids/training-organisation/submission": enrolmentA + "/grids/training-organisation/submission",
		"/api/v1/enrolments/{id}/grids/company-referent":                 enrolmentA + "/grids/company-referent",
		"/api/v1/enrolments/{id}/grids/company-referent/submission":      enrolmentA + "/grids/company-referent/submission",
		"/api/v1/enrolments/{id}/grids/commission":                       enrolmentA + "/grids/commission",
		"/api/v1/enrolments/{id}/grids/commission/submission":            enrolmentA + "/grids/commission/submission",
		"/api/v1/webhooks/{id}":                                          "/api/v1/webhooks/inconnu",
		"/api/v1/webhooks/{id}/disable":                                  "/api/v1/webhooks/inconnu/disable",
	}
	// hidden lists the roles that may do a route's action but to which the side-A sample is
	// still hidden by design, so that they get 404 like any record outside their scope: a VAE
	// file's evidence belongs to its experience file, which the company and the organisation
	// asked for its opinion do not read (they read where the request stands, and the
	// admissibility file).
	hidden := map[string][]domain.Role{
		"/api/v1/vae/{id}/evidence/{evidence}": {domain.RoleCompany, domain.RoleTrainingOrganisation},
		// A webhook is its owner's alone: the sample is nobody's, so every reader of the feed
		// gets 404, as for someone else's webhook.
		"/api/v1/webhooks/{id}":         webhookReaders,
		"/api/v1/webhooks/{id}/disable": webhookReaders,
	}
	do := func(method, path, token string) int {
		var body io.Reader
		if method != http.MethodGet {
			body = strings.NewReader(`{"status":"certified","outcome":"certified","result":"certified","decision":"A","block":"BC1",` +
				`"blocks":["BC1"],"reason":"Tentative d'écrire un résultat hors du jury"}`)
		}
		req, _ := http.NewRequest(method, srv.URL+path, body)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, r := range a.Routes() {
		path := r.Pattern
		if strings.Contains(path, "{") {
			p, ok := samples[path]
			if !ok {
				t.Errorf("API route %s %s has no sample path: add one so the walk covers it", r.Method, r.Pattern)
				continue
			}
			path = p
		}
		t.Run(r.Method+" "+r.Pattern, func(t *testing.T) {
			if r.Action == "" {
				if s := do(r.Method, path, ""); s == http.StatusUnauthorized || s == http.StatusForbidden || s >= 500 {
					t.Errorf("public route answered %d", s)
				}
				return
			}
			if s := do(r.Method, path, ""); s != http.StatusUnauthorized {
				t.Errorf("without a token: %d, want 401", s)
			}
			for _, role := range domain.Roles {
				s := do(r.Method, path, tokens[role])
				if slices.Contains(hidden[r.Pattern], role) {
					if s != http.StatusNotFound {
						t.Errorf("%s may %s but not on this sample, and got %d, want 404", role, r.Action, s)
					}
				} else if service.RoleCan(role, r.Action) {
					if s == http.StatusUnauthorized || s == http.StatusForbidden || s == http.StatusNotFound || s >= 500 {
						t.Errorf("%s may %s but got %d", role, r.Action, s)
					}
				} else if s != http.StatusForbidden {
					t.Errorf("%s may not %s but got %d", role, r.Action, s)
				}
			}
		})
	}
	servicetest.CheckResultsCameFromJuries(t, st)
}

// walkAction declares an action of side A that company A takes part in and the funder of the
// world's funder account funds, so that every role reading actions reads it.
func walkAction(t *testing.T, w *servicetest.World) string {
	t.Helper()
	ctx := context.Background()
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	funders, err := w.Service.ActionFunders(ctx, sec)
	if err != nil || len(funders) != 1 {
		t.Fatalf("funders %v: %v", funders, err)
	}
	act, err := w.Service.DeclareAction(ctx, sec, service.ActionInput{TrainingOrganisationID: w.OrgA, QualificationCode: "CC",
		Route: domain.RouteFormation, Title: "CQP CC — Paris 2027", StartsOn: domain.NewDate(2027, 1, 4), EndsOn: domain.NewDate(2027, 6, 30),
		PlannedHours: 600, CompanyIDs: []string{w.CompanyA}, FunderID: funders[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	return act.ID
}
