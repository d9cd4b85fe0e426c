package service_test

import (
	"context"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestTheBlocsRouteBlockByBlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		sys := domain.SystemActor("test")
		enrol := func(name string, org, company string, blocks ...string) domain.Enrolment {
			t.Helper()
			c, err := w.Service.CreateCandidate(ctx, sys, service.CandidateInput{
				Candidate: domain.Candidate{BirthName: name, FirstNames: "Lou", BirthDate: domain.NewDate(1990, 5, 5),
					Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"},
				Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteBlocs, Public: domain.PublicEmployee,
					TrainingOrganisationID: org, CompanyID: company, Blocks: blocks}})
			if err != nil {
				t.Fatal(err)
			}
			return c.Enrolments[0]
		}
		a := enrol("Arnaud", w.OrgA, w.CompanyA, "BC2")
		b := enrol("Besson", w.OrgA, w.CompanyA, "BC2", "BC4")
		enrol("Collin", w.OrgB, w.CompanyB, "BC2")
		if _, err := w.Service.AddContinuousAssessment(ctx, sys, b.ID, service.AssessmentInput{BlockCode: "BC2", Label: "Étude", On: "20/11/2026", Mark: "12"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Service.AddContinuousAssessment(ctx, sys, b.ID, service.AssessmentInput{BlockCode: "BC4", Label: "Étude", On: "20/11/2026", Mark: "12"}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation} {
			if _, err := w.Service.SetEnrolmentStatus(ctx, sys, b.CandidateID, b.ID, s, ""); err != nil {
				t.Fatal(err)
			}
		}
		names := func(o service.BlocsOverview, block string, stage service.BlocsStage) []string {
			var out []string
			for _, q := range o.Qualifications {
				for _, bl := range q.Blocks {
					if bl.Code == block {
						for _, p := range bl.People(stage) {
							out = append(out, p.Name)
						}
					}
				}
			}
			return out
		}

		t.Run("the secretariat sees every blocs candidate at their stage, block by block", func(t *testing.T) {
			o, err := w.Service.BlocsOverview(ctx, w.Actor(t, w.Accounts[domain.RoleSecretariat]))
			if err != nil {
				t.Fatal(err)
			}
			if o.Enrolments != 3 || len(o.Qualifications) != 1 || len(o.Qualifications[0].Blocks) != 2 {
				t.Fatalf("%+v", o)
			}
			if got := names(o, "BC2", service.BlocsInTraining); len(got) != 2 {
				t.Fatalf("in training on BC2: %v", got)
			}
			if got := names(o, "BC4", service.BlocsTests); len(got) != 1 || got[0] != "Lou BESSON" {
				t.Fatalf("at their final tests on BC4: %v", got)
			}
			_ = a
		})

		t.Run("a training organisation sees only its own candidates", func(t *testing.T) {
			o, err := w.Service.BlocsOverview(ctx, w.Actor(t, w.OrgBAccount))
			if err != nil {
				t.Fatal(err)
			}
			if got := names(o, "BC2", service.BlocsInTraining); o.Enrolments != 1 || len(got) != 1 || got[0] != "Lou COLLIN" {
				t.Fatalf("organisation B sees %v (%d enrolments)", got, o.Enrolments)
			}
		})
	})
}
