package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestBlocsRouteGridsRecordTheBlockTestsAndTheLineManager(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		sys := domain.SystemActor("test")
		c, err := w.Service.CreateCandidate(ctx, sys, service.CandidateInput{
			Candidate: domain.Candidate{BirthName: "Tessier", FirstNames: "Romane", BirthDate: domain.NewDate(1992, 4, 9),
				Sex: domain.SexFemale, BirthINSEE: "44109", BirthCity: "Nantes"},
			Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteBlocs, Public: domain.PublicEmployee,
				TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA, ReferentUserID: w.UserIDs[w.Accounts[domain.RoleCompanyReferent]],
				Blocks: []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"}}})
		if err != nil {
			t.Fatal(err)
		}
		e := c.Enrolments[0]
		for _, b := range e.Blocks {
			if _, err := w.Service.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas",
				On: "20/11/2026", Mark: "13"}); err != nil {
				t.Fatal(err)
			}
		}
		org := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		referent := w.Actor(t, w.Accounts[domain.RoleCompanyReferent])
		tests := func(result string) map[string]map[store.BlockTestKind]service.BlockTestInput {
			out := map[string]map[store.BlockTestKind]service.BlockTestInput{}
			for _, b := range e.Blocks {
				out[b] = map[store.BlockTestKind]service.BlockTestInput{
					store.BlockTestWritten:  {On: "12/11/2026", Result: result, Assessor: "Marc Dupont"},
					store.BlockTestOralCase: {On: "2026-11-19", Result: "a", Assessor: "Inès Roux"},
				}
			}
			return out
		}
		allA := func() service.GridInput {
			in := guideInput(domain.EvaluatorTrainingOrganisation)
			for code := range in.Marks {
				in.Marks[code] = "A"
			}
			return in
		}

		t.Run("the organisation's grid is not submitted without both tests of every block it marks", func(t *testing.T) {
			_, err := w.Service.SubmitGrid(ctx, org, e.ID, domain.EvaluatorTrainingOrganisation, allA())
			msg := domain.ErrorMessage(err)
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(msg, "les épreuves finales") || !strings.Contains(msg, "BC1, BC2, BC3, BC4, BC5, OPT1, OPT2") ||
				!strings.Contains(fieldOf(err, service.BlockTestField("BC3", store.BlockTestOralCase, "assessor")), "BC3, cas pratique à l'oral : indiquez qui a évalué l'épreuve") {
				t.Fatalf("submitted without tests: %v", err)
			}
		})

		t.Run("a test's result, date and assessor are checked where typed, a partial one even in a draft", func(t *testing.T) {
			in := allA()
			in.BlockTests = tests("25")
			in.BlockTests["BC2"][store.BlockTestOralCase] = service.BlockTestInput{On: "12/12/2030", Result: "A", Assessor: "Inès Roux"}
			in.BlockTests["BC4"][store.BlockTestWritten] = service.BlockTestInput{On: "12/11/2026", Result: "12"}
			_, err := w.Service.SaveGrid(ctx, org, e.ID, domain.EvaluatorTrainingOrganisation, in)
			if !strings.Contains(fieldOf(err, service.BlockTestField("BC1", store.BlockTestWritten, "result")), "BC1, épreuve écrite : « 25 » est hors de 0 à 20") ||
				!strings.Contains(fieldOf(err, service.BlockTestField("BC2", store.BlockTestOralCase, "on")), "dans le futur") ||
				!strings.Contains(fieldOf(err, service.BlockTestField("BC4", store.BlockTestWritten, "assessor")), "indiquez qui a évalué") {
				t.Fatalf("wrong tests saved: %v", err)
			}
		})

		t.Run("complete tests are kept with the version, in the audit trail and for the jury", func(t *testing.T) {
			in := allA()
			in.BlockTests = tests("14,5")
			g, err := w.Service.SubmitGrid(ctx, org, e.ID, domain.EvaluatorTrainingOrganisation, in)
			if err != nil {
				t.Fatal(err)
			}
			v, err := w.Service.Grid(ctx, org, e.ID, domain.EvaluatorTrainingOrganisation)
			if err != nil || !v.TakesBlockTests || v.Current.ID != g.ID {
				t.Fatalf("grid view %+v %v", v.Current, err)
			}
			got := service.BlockTestsOf(v.Current, "BC2")
			if len(got) != 2 || got[0].Kind != store.BlockTestWritten || got[0].Result != "14,5" || got[0].HeldOn.String() != "12/11/2026" ||
				got[1].Result != "A" || got[1].HeldOn.String() != "19/11/2026" || got[1].Assessor != "Inès Roux" {
				t.Fatalf("BC2's tests: %+v", got)
			}
			entries, _, err := w.Service.Audit(ctx, sys, store.AuditFilter{Action: "grid.save", CandidateID: c.ID})
			if err != nil || len(entries) == 0 || !strings.Contains(entries[0].After, "Cas pratique à l'oral") {
				t.Fatalf("the audit trail does not keep the tests: %+v %v", entries, err)
			}
		})

		t.Run("the referent's grid names the line manager who evaluates with them", func(t *testing.T) {
			in := allA()
			if _, err := w.Service.SubmitGrid(ctx, referent, e.ID, domain.EvaluatorCompanyReferent, in); !strings.Contains(fieldOf(err, "line_manager"), "responsable hiérarchique (N+1)") {
				t.Fatalf("submitted without the line manager: %v", err)
			}
			in.LineManager = "Claire Fontaine"
			g, err := w.Service.SubmitGrid(ctx, referent, e.ID, domain.EvaluatorCompanyReferent, in)
			if err != nil || g.LineManager != "Claire Fontaine" {
				t.Fatalf("%+v %v", g, err)
			}
		})

		t.Run("on the formation route the organisation's grid takes no block tests", func(t *testing.T) {
			v, err := w.Service.Grid(ctx, org, w.EnrolmentA, domain.EvaluatorTrainingOrganisation)
			if err != nil || v.TakesBlockTests || v.NamesLineManager {
				t.Fatalf("%+v %v", v.TakesBlockTests, err)
			}
		})
	})
}
