package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// TestTheBlocsRouteIsReadable enrols a known candidate on the blocs route with organisation A,
// has both evaluators submit their grids (the organisation's with each block's tests, the
// referent's naming the line manager), has a jury validate the blocks, and reads the held
// blocks, the enrolment's blocks and the block tests as the secretariat and as scoped roles;
// organisation B, outside the scope, gets 404. Every answer is checked against openapi.yaml.
func TestTheBlocsRouteIsReadable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		w.ConfirmFrameworks(t)
		sys := domain.SystemActor("test")
		s := loadSpec(t)
		h := api.New(w.Service, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
		tokens := map[string]string{}
		for name, email := range map[string]string{
			"secretariat": w.Accounts[domain.RoleSecretariat], "org": w.Accounts[domain.RoleTrainingOrganisation],
			"company": w.Accounts[domain.RoleCompany], "referent": w.Accounts[domain.RoleCompanyReferent], "orgB": w.OrgBAccount,
		} {
			secret, _, err := w.Service.CreateAPIToken(ctx, w.Actor(t, email), "blocs", service.DefaultAPITokenDays)
			if err != nil {
				t.Fatal(err)
			}
			tokens[name] = secret
		}
		get := func(t *testing.T, who, path string) (int, map[string]any) {
			t.Helper()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+tokens[who])
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			s.checkResponse(t, http.MethodGet, path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return rec.Code, body
		}

		blocks := []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"}
		c, err := w.Service.CreateCandidate(ctx, sys, service.CandidateInput{
			Candidate: domain.Candidate{BirthName: "Tessier", FirstNames: "Romane", BirthDate: domain.NewDate(1992, 4, 9),
				Sex: domain.SexFemale, BirthINSEE: "44109", BirthCity: "Nantes"},
			Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteBlocs, Public: domain.PublicEmployee,
				TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA, ReferentUserID: w.UserIDs[w.Accounts[domain.RoleCompanyReferent]],
				Blocks: blocks}})
		if err != nil {
			t.Fatal(err)
		}
		e := c.Enrolments[0]
		file, err := w.Service.Enrolment(ctx, sys, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := service.GridInput{Marks: map[string]string{}, BlockTests: map[string]map[store.BlockTestKind]service.BlockTestInput{}}
		for _, b := range file.Blocks() {
			for _, cp := range b.Competences {
				in.Marks[cp.Code] = "A"
			}
			in.BlockTests[b.Code] = map[store.BlockTestKind]service.BlockTestInput{
				store.BlockTestWritten:  {On: "12/11/2026", Result: "14,5", Assessor: "Marc Dupont"},
				store.BlockTestOralCase: {On: "19/11/2026", Result: "A", Assessor: "Inès Roux"},
			}
			if _, err := w.Service.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b.Code, Label: "Étude de cas",
				On: "20/11/2026", Mark: "13"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.Service.SubmitGrid(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), e.ID, domain.EvaluatorTrainingOrganisation, in); err != nil {
			t.Fatal(err)
		}
		ref := service.GridInput{Marks: in.Marks, LineManager: "Claire Fontaine"}
		if _, err := w.Service.SubmitGrid(ctx, w.Actor(t, w.Accounts[domain.RoleCompanyReferent]), e.ID, domain.EvaluatorCompanyReferent, ref); err != nil {
			t.Fatal(err)
		}

		t.Run("the block tests come from the organisation's submitted grid, the line manager from the referent's", func(t *testing.T) {
			path := "/api/v1/enrolments/" + e.ID + "/block-tests"
			for _, who := range []string{"secretariat", "org"} {
				status, body := get(t, who, path)
				if status != http.StatusOK {
					t.Fatalf("%s: %d %v", who, status, body)
				}
				bs := body["blocks"].([]any)
				if len(bs) != len(blocks) || body["training_organisation_grid"].(map[string]any)["version"] != 1.0 {
					t.Fatalf("%s: %v", who, body)
				}
				tests := bs[1].(map[string]any)["tests"].([]any)
				if bs[1].(map[string]any)["code"] != "BC2" || len(tests) != 2 {
					t.Fatalf("%s: BC2 %v", who, bs[1])
				}
				w0, o1 := tests[0].(map[string]any), tests[1].(map[string]any)
				if w0["kind"] != "written" || w0["result"] != "14,5" || w0["held_on"] != "2026-11-12" || w0["assessor"] != "Marc Dupont" ||
					o1["kind"] != "oral_case" || o1["kind_label"] != "Cas pratique à l'oral" || o1["result"] != "A" {
					t.Errorf("%s: BC2's tests %v", who, tests)
				}
			}
			// The secretariat reads every grid's detail; the organisation its own only, as on
			// the evaluation page.
			if _, body := get(t, "secretariat", path); body["referent_grid"].(map[string]any)["line_manager"] != "Claire Fontaine" {
				t.Errorf("secretariat: referent grid %v", body["referent_grid"])
			}
			if _, body := get(t, "org", path); body["referent_grid"] != nil {
				t.Errorf("the organisation reads the referent's grid: %v", body["referent_grid"])
			}
			status, body := get(t, "referent", path)
			if status != http.StatusOK || body["referent_grid"].(map[string]any)["line_manager"] != "Claire Fontaine" || body["training_organisation_grid"] != nil ||
				len(body["blocks"].([]any)[0].(map[string]any)["tests"].([]any)) != 0 {
				t.Errorf("referent: %d %v", status, body)
			}
			if status, body := get(t, "orgB", path); status != http.StatusNotFound {
				t.Errorf("organisation B: %d %v", status, body)
			}
			if status, _ := get(t, "secretariat", "/api/v1/enrolments/nope/block-tests"); status != http.StatusNotFound {
				t.Errorf("unknown enrolment: %d", status)
			}
		})

		for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
			if _, err := w.Service.SetEnrolmentStatus(ctx, sys, c.ID, e.ID, st, "Parcours par blocs"); err != nil {
				t.Fatal(err)
			}
		}
		session := w.Judge(t, "10/12/2026", nil, e.ID)
		if _, err := w.Service.SaveJurySettings(ctx, w.Actor(t, w.Accounts[domain.RoleSecretariat]), service.JurySettingsInput{Quorum: "1",
			JuryPresidentName: "Bertrand Lécuyer", CSCAPresidentName: "Françoise Nguyễn", CPNEPresidentName: "Jean-Noël Œttinger"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Service.IssueSessionDocuments(ctx, w.Actor(t, w.Accounts[domain.RoleSecretariat]), session); err != nil {
			t.Fatal(err)
		}

		t.Run("the candidate's held blocks name the session that validated them", func(t *testing.T) {
			path := "/api/v1/candidates/" + c.ID + "/held-blocks"
			for _, who := range []string{"secretariat", "org", "company"} {
				status, body := get(t, who, path)
				if status != http.StatusOK {
					t.Fatalf("%s: %d %v", who, status, body)
				}
				items := body["items"].([]any)
				var codes []string
				for _, it := range items {
					m := it.(map[string]any)
					codes = append(codes, m["block_code"].(string))
					if m["session_id"] != session || m["enrolment_id"] != e.ID || m["route"] != "blocs" || m["qualification_code"] != "CC" ||
						m["acquired_on"] != "2026-12-10" || m["block_title"] == "" {
						t.Errorf("%s: %v", who, m)
					}
				}
				if !slices.Equal(codes, blocks) {
					t.Errorf("%s: held %v", who, codes)
				}
				if who != "secretariat" {
					continue
				}
				// The blocs route's block stage gives a partial validation: one attestation per block.
				doc, _ := items[0].(map[string]any)["document"].(map[string]any)
				if doc == nil || doc["kind"] != "attestation" || doc["revoked"] != false || doc["verification_code"] == "" || doc["number"] == "" {
					t.Errorf("BC1's document: %v", doc)
				}
			}
			if status, body := get(t, "orgB", path); status != http.StatusNotFound {
				t.Errorf("organisation B: %d %v", status, body)
			}
		})

		t.Run("an enrolment's blocks show the blocs route's progress", func(t *testing.T) {
			path := "/api/v1/enrolments/" + e.ID + "/blocks"
			for _, who := range []string{"secretariat", "org", "company"} {
				status, body := get(t, who, path)
				if status != http.StatusOK {
					t.Fatalf("%s: %d %v", who, status, body)
				}
				p := body["blocs"].(map[string]any)
				if body["route"] != "blocs" || len(body["blocks"].([]any)) != len(blocks) || len(p["chosen"].([]any)) != len(blocks) ||
					len(p["held"].([]any)) != len(blocks) || len(p["to_acquire"].([]any)) != 0 || p["optional_open"] != 0.0 {
					t.Errorf("%s: %v", who, body)
				}
				if h := p["held"].([]any)[0].(map[string]any); h["code"] != "BC1" || h["session_id"] != session || h["acquired_on"] != "2026-12-10" {
					t.Errorf("%s: held %v", who, h)
				}
			}
			status, body := get(t, "secretariat", "/api/v1/enrolments/"+w.EnrolmentA+"/blocks")
			if status != http.StatusOK || body["route"] != "formation" || body["blocs"] != nil || len(body["blocks"].([]any)) == 0 {
				t.Errorf("formation enrolment: %d %v", status, body)
			}
			if status, body := get(t, "orgB", path); status != http.StatusNotFound {
				t.Errorf("organisation B: %d %v", status, body)
			}
		})
	})
}

// TestEveryDocumentedExampleMatchesItsSchema checks the example answers of openapi.yaml
// against the schemas they illustrate, so that an example cannot drift from the contract.
func TestEveryDocumentedExampleMatchesItsSchema(t *testing.T) {
	s := loadSpec(t)
	seen := 0
	for path, item := range s.paths() {
		for method, op := range item.(map[string]any) {
			for code, res := range mapAt(op.(map[string]any), "responses") {
				r, err := s.deref(res)
				if err != nil {
					t.Fatal(err)
				}
				for mediaType, media := range mapAt(r, "content") {
					m := media.(map[string]any)
					example, ok := m["example"]
					if !ok {
						continue
					}
					seen++
					// Through JSON, as a client would read it.
					raw, err := json.Marshal(example)
					if err != nil {
						t.Fatal(err)
					}
					var value any
					if err := json.Unmarshal(raw, &value); err != nil {
						t.Fatal(err)
					}
					for _, p := range s.validate(m["schema"], value, method+" "+path+" "+code+" "+mediaType) {
						t.Error(p)
					}
				}
			}
		}
	}
	if seen < 3 {
		t.Errorf("%d examples found, want at least the blocks' three", seen)
	}
}
