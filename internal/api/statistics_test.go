package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
)

// TestStatisticsAnswerTheFiguresOfThePageWithItsFilters judges candidate A on the guide's grids
// (7 blocks: the OF and the commission agree on 5; the OF's « non acquis » on BC2 opens a
// debate the jury settles « non acquis »; the OF awards BC5, the commission does not; the
// referent agrees on 3 and opens debates on BC2, BC3 and BC4, the last two settled « acquis »)
// and reads GET /statistics as each role, with filters good and bad.
func TestStatisticsAnswerTheFiguresOfThePageWithItsFilters(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	ctx := context.Background()
	svc, sys := w.Service, domain.SystemActor("test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := svc.Candidate(ctx, sys, w.CandidateA)
	must(err)
	e := c.Enrolments[0]
	for _, b := range e.Blocks {
		_, err := svc.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: "14"})
		must(err)
	}
	w.MeetJuryGates(t, e.ID)
	rows := map[domain.Evaluator]string{
		domain.EvaluatorTrainingOrganisation: "A A A A A NA A A A A A A A A A",
		domain.EvaluatorCompanyReferent:      "A A A A A A NA NA NA NA NA NA NA A A",
		domain.EvaluatorCommission:           "A A A A A A A A A A A A A NA NA",
	}
	for _, ev := range domain.Evaluators {
		in := service.GridInput{Marks: map[string]string{"OPT1-C1": "A", "OPT2-C1": "A"}}
		for i, m := range strings.Fields(rows[ev]) {
			in.Marks[fmt.Sprintf("C%d", i+1)] = m
		}
		if ev == domain.EvaluatorCommission {
			in.ReasonedOpinion = "Relation client maîtrisée."
		}
		_, err := svc.SubmitGrid(ctx, sys, e.ID, ev, in)
		must(err)
	}
	for _, status := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		_, err := svc.SetEnrolmentStatus(ctx, sys, w.CandidateA, e.ID, status, "")
		must(err)
	}
	w.Judge(t, "10/12/2026", func(_, block string) string {
		if block == "BC2" {
			return "NA"
		}
		return "A"
	}, e.ID)

	handler := api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	s := loadSpec(t)
	token := func(role domain.Role) string {
		secret, _, err := svc.CreateAPIToken(ctx, w.Actor(t, w.Accounts[role]), "statistiques", service.DefaultAPITokenDays)
		must(err)
		return secret
	}
	get := func(tok, path string) (int, map[string]any) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		s.checkResponse(t, http.MethodGet, path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v %s", path, err, rec.Body.String())
		}
		return rec.Code, body
	}
	near := func(v any, want float64) bool { f, ok := v.(float64); return ok && math.Abs(f-want) < 1e-9 }

	for _, role := range []domain.Role{domain.RoleSecretariat, domain.RoleBranch} {
		status, body := get(token(role), "/api/v1/statistics?year=2026&qualification=CC&route=formation")
		if status != http.StatusOK {
			t.Fatalf("%s: %d %v", role, status, body)
		}
		if tot := body["total"].(map[string]any); tot["judged"] != 1.0 || tot["partial"] != 1.0 || !near(tot["pass_rate_percent"], 0) {
			t.Errorf("%s: total %v", role, tot)
		}
		if f := body["filter"].(map[string]any); f["year"] != 2026.0 || f["qualification"] != "CC" || f["route"] != "formation" || f["training_organisation"] != nil {
			t.Errorf("%s: filter %v", role, f)
		}
		g := body["agreement"].(map[string]any)
		if r := g["outlier_rule"].(map[string]any); !near(r["kappa_below"], 0.4) || r["min_blocks"] != 10.0 {
			t.Errorf("%s: rule %v", role, r)
		}
		orgs, comps := g["training_organisations"].([]any), g["companies"].([]any)
		if len(orgs) != 1 || len(comps) != 1 {
			t.Fatalf("%s: agreement %v", role, g)
		}
		// 7 blocks, 5 agreed; each awards 6: kappa (35 − 37) / (49 − 37) = −1/6.
		of := orgs[0].(map[string]any)
		if of["id"] != w.OrgA || of["blocks"] != 7.0 || of["agreed"] != 5.0 || of["both_acquired"] != 5.0 || of["only_evaluator_acquired"] != 1.0 ||
			of["only_commission_acquired"] != 1.0 || !near(of["agreement_percent"], 500.0/7) || !near(of["kappa"], -1.0/6) ||
			of["debates"] != 1.0 || of["settled_with_evaluator"] != 1.0 || of["settled_with_commission"] != 0.0 || of["outlier"] != false {
			t.Errorf("%s: organisation %v", role, of)
		}
		// 7 blocks, 3 agreed; the referent awards 4, the commission 6: kappa (21 − 27) / (49 − 27) = −3/11.
		co := comps[0].(map[string]any)
		if co["id"] != w.CompanyA || co["blocks"] != 7.0 || co["agreed"] != 3.0 || !near(co["kappa"], -3.0/11) ||
			co["debates"] != 3.0 || co["settled_with_evaluator"] != 1.0 || co["settled_with_commission"] != 2.0 {
			t.Errorf("%s: company %v", role, co)
		}
		if len(body["steps"].([]any)) == 0 || len(body["delays"].([]any)) != 1 || len(body["by_year_training_organisation"].([]any)) != 1 {
			t.Errorf("%s: steps %v, delays %v", role, body["steps"], body["delays"])
		}
	}

	sec := token(domain.RoleSecretariat)
	for _, path := range []string{"/api/v1/statistics?year=2025", "/api/v1/statistics?route=vae", "/api/v1/statistics?training_organisation=" + w.OrgB} {
		status, body := get(sec, path)
		g := body["agreement"].(map[string]any)
		if status != http.StatusOK || len(g["training_organisations"].([]any)) != 0 || len(g["companies"].([]any)) != 0 {
			t.Errorf("%s: %d %v", path, status, g)
		}
		if tot := g["companies_total"].(map[string]any); tot["blocks"] != 0.0 || tot["kappa"] != nil || tot["agreement_percent"] != nil {
			t.Errorf("%s: no block, no kappa: %v", path, tot)
		}
	}

	for _, role := range []domain.Role{domain.RoleTrainingOrganisation, domain.RoleCompany, domain.RoleJuryPresident, domain.RoleCandidate} {
		if status, body := get(token(role), "/api/v1/statistics"); status != http.StatusForbidden || body["type"] != "urn:cqp:problem:forbidden" {
			t.Errorf("%s: %d %v", role, status, body)
		}
	}

	for path, want := range map[string]string{
		"/api/v1/statistics?year=deux-mille":  "year",
		"/api/v1/statistics?year=1850":        "year",
		"/api/v1/statistics?route=avion":      "route",
		"/api/v1/statistics?organisme=x":      "organisme",
		"/api/v1/statistics?qualification=ZZ": "",
	} {
		status, body := get(sec, path)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %v", path, status, body)
			continue
		}
		if want == "" {
			if d, _ := body["detail"].(string); !strings.Contains(d, "Cette qualification n'existe pas") {
				t.Errorf("%s: %v", path, body)
			}
			continue
		}
		if msg, _ := body["errors"].(map[string]any)[want].(string); msg == "" || !strings.ContainsAny(msg, "éè") && !strings.Contains(msg, "Paramètre") {
			t.Errorf("%s: no French message for %s in %v", path, want, body)
		}
	}
}
