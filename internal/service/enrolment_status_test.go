package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func fieldOf(err error, field string) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Fields[field]
	}
	return ""
}

func TestSetEnrolmentStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		secretariat := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		orgA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		orgB := w.Actor(t, w.OrgBAccount)
		enrolment := w.EnrolmentA
		move := func(a domain.Actor, to domain.EnrolmentStatus, reason string) error {
			_, err := svc.SetEnrolmentStatus(ctx, a, w.CandidateA, enrolment, to, reason)
			return err
		}

		t.Run("the organisation moves its candidate on, and history and audit trail record it", func(t *testing.T) {
			e, err := svc.SetEnrolmentStatus(ctx, orgA, w.CandidateA, enrolment, domain.StatusInTraining, "Entrée en formation")
			if err != nil {
				t.Fatal(err)
			}
			if e.Status != domain.StatusInTraining {
				t.Fatalf("status %s", e.Status)
			}
			c, err := svc.Candidate(ctx, secretariat, w.CandidateA)
			if err != nil {
				t.Fatal(err)
			}
			h := c.Enrolments[0].History
			if c.Enrolments[0].Status != domain.StatusInTraining || len(h) != 2 || h[1].Reason != "Entrée en formation" {
				t.Fatalf("enrolment after the change: %+v", c.Enrolments[0])
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "enrolment.status", CandidateID: w.CandidateA})
			if err != nil || len(entries) != 1 || entries[0].Before != `{"status":"enrolled"}` || entries[0].After != `{"status":"in_training"}` {
				t.Fatalf("audit: %+v %v", entries, err)
			}
		})

		t.Run("another organisation does not find the enrolment", func(t *testing.T) {
			if err := move(orgB, domain.StatusFinalEvaluation, ""); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v, want not found", err)
			}
		})

		t.Run("an enrolment of another candidate is not found through this one", func(t *testing.T) {
			b, err := svc.Candidate(ctx, secretariat, w.CandidateB)
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.SetEnrolmentStatus(ctx, secretariat, w.CandidateA, b.Enrolments[0].ID, domain.StatusInTraining, "")
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v, want not found", err)
			}
		})

		t.Run("a move that is not the next step of the path is refused, saying which are", func(t *testing.T) {
			err := move(secretariat, domain.StatusAwaitingJury, "")
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(fieldOf(err, "status"), "« Évaluation finale », « Abandon »") {
				t.Fatalf("got %v", err)
			}
			if err := move(domain.SystemActor("test"), domain.StatusEnrolled, ""); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("the platform went back a step: %v", err)
			}
		})

		t.Run("a withdrawal needs a reason", func(t *testing.T) {
			if err := move(orgA, domain.StatusWithdrawn, "  "); domain.ErrorCode(err) != domain.EINVALID || fieldOf(err, "reason") == "" {
				t.Fatalf("got %v, want a message on reason", err)
			}
		})

		t.Run("an unknown status or the current one is refused", func(t *testing.T) {
			if err := move(secretariat, "graduated", ""); domain.ErrorCode(err) != domain.EINVALID || fieldOf(err, "status") == "" {
				t.Fatalf("unknown status: got %v", err)
			}
			if err := move(secretariat, domain.StatusInTraining, ""); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("current status: got %v, want conflict", err)
			}
		})

		t.Run("a company may not change a status", func(t *testing.T) {
			if err := move(w.Actor(t, w.Accounts[domain.RoleCompany]), domain.StatusFinalEvaluation, ""); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("got %v, want forbidden", err)
			}
		})

		t.Run("the final evaluation waits for a continuous mark on every presented block", func(t *testing.T) {
			c, _ := svc.Candidate(ctx, secretariat, w.CandidateA)
			blocks := c.Enrolments[0].Blocks
			for _, b := range blocks[:len(blocks)-2] {
				if _, err := svc.AddContinuousAssessment(ctx, orgA, enrolment, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: "14"}); err != nil {
					t.Fatal(err)
				}
			}
			err := move(orgA, domain.StatusFinalEvaluation, "")
			want := "Les blocs " + strings.Join(blocks[len(blocks)-2:], ", ") + " n'ont pas encore de note"
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(fieldOf(err, "status"), want) {
				t.Fatalf("got %v, want %q", err, want)
			}
			// A block under the minimum is marked: it is not admitted, which does not hold the candidate back.
			for _, m := range []struct{ block, mark string }{{blocks[len(blocks)-2], "8"}, {blocks[len(blocks)-1], "10"}} {
				if _, err := svc.AddContinuousAssessment(ctx, orgA, enrolment, service.AssessmentInput{BlockCode: m.block, Label: "Étude de cas", On: "20/11/2026", Mark: m.mark}); err != nil {
					t.Fatal(err)
				}
			}
			if err := move(orgA, domain.StatusFinalEvaluation, "Contrôle continu terminé"); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("continuous marks are closed once the final evaluation has begun", func(t *testing.T) {
			_, err := svc.AddContinuousAssessment(ctx, orgA, enrolment, service.AssessmentInput{BlockCode: "BC1", Label: "Rattrapage", On: "24/11/2026", Mark: "15"})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("got %v, want conflict", err)
			}
		})

		t.Run("the jury waits until no block's final evaluation is incomplete", func(t *testing.T) {
			err := move(orgA, domain.StatusAwaitingJury, "")
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(fieldOf(err, "status"), "évaluation finale incomplète pour les blocs BC1") {
				t.Fatalf("got %v", err)
			}
			c, _ := svc.Candidate(ctx, secretariat, w.CandidateA)
			notAdmitted := c.Enrolments[0].Blocks[len(c.Enrolments[0].Blocks)-2]
			if strings.Contains(fieldOf(err, "status"), notAdmitted+" (") {
				t.Fatalf("block %s, not admitted, holds the file back: %v", notAdmitted, err)
			}
		})

		t.Run("once every required grid is submitted the file goes to the jury, a block not admitted notwithstanding", func(t *testing.T) {
			ev, err := svc.ContinuousEvaluation(ctx, secretariat, enrolment)
			if err != nil {
				t.Fatal(err)
			}
			marks := map[string]string{}
			for _, b := range ev.Blocks {
				fb, _ := ev.Framework.Block(b.Code)
				for _, c := range fb.Competences {
					if b.Admitted {
						marks[c.Code] = "A"
					}
				}
			}
			sys := domain.SystemActor("test")
			for _, e := range domain.Evaluators {
				in := service.GridInput{Marks: marks, ReasonedOpinion: "Candidate solide sur l'ensemble des blocs admis."}
				if e == domain.EvaluatorCommission {
					// The commission submits last: until then the jury still waits.
					if err := move(orgA, domain.StatusAwaitingJury, ""); !strings.Contains(fieldOf(err, "status"), "grille « commission d'évaluation » non soumise") {
						t.Fatalf("before the commission's grid: %v", err)
					}
				}
				if _, err := svc.SubmitGrid(ctx, sys, enrolment, e, in); err != nil {
					t.Fatalf("%s grid: %v", e, err)
				}
			}
			if err := move(orgA, domain.StatusAwaitingJury, "Évaluations finales complètes"); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("no status move sets a jury outcome, whoever asks, the platform included", func(t *testing.T) {
			for _, a := range []domain.Actor{orgA, secretariat, domain.SystemActor("test")} {
				for _, to := range []domain.EnrolmentStatus{domain.StatusCertified, domain.StatusPartial, domain.StatusNotCertified} {
					err := move(a, to, "Délibération")
					if domain.ErrorCode(err) != domain.EFORBIDDEN || !strings.Contains(fieldOf(err, "status"), "seul le jury le donne") {
						t.Fatalf("%s sets %s: %v", a.Name, to, err)
					}
				}
			}
			for _, a := range []domain.Actor{orgA, secretariat} {
				if got := service.EnrolmentTransitions(a, domain.Enrolment{Status: domain.StatusAwaitingJury}); len(got) != 1 || got[0] != domain.StatusWithdrawn {
					t.Fatalf("%s is offered %v from awaiting the jury", a.Name, got)
				}
			}
		})

		t.Run("a withdrawal with its reason is final, and closes the follow-up", func(t *testing.T) {
			if err := move(orgA, domain.StatusWithdrawn, "A repris un emploi hors de la branche"); err != nil {
				t.Fatal(err)
			}
			if err := move(secretariat, domain.StatusAwaitingJury, ""); domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(fieldOf(err, "status"), "définitif") {
				t.Fatalf("got %v", err)
			}
			_, err := svc.AddInternship(ctx, orgA, enrolment, service.InternshipInput{CompanyID: w.CompanyA, StartsOn: "01/12/2026", EndsOn: "15/12/2026", Hours: "70"})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("internship after withdrawal: %v", err)
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "enrolment.status", CandidateID: w.CandidateA})
			if err != nil || len(entries) != 4 || entries[0].Reason != "A repris un emploi hors de la branche" {
				t.Fatalf("audit %+v %v", entries, err)
			}
		})
	})
}

func TestSetCandidateReferent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		secretariat := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		referentA := w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]

		t.Run("a referent of another company is refused", func(t *testing.T) {
			err := svc.SetCandidateReferent(ctx, secretariat, w.CandidateB, referentA)
			if domain.ErrorCode(err) != domain.EINVALID || fieldOf(err, "referent") == "" {
				t.Fatalf("got %v, want a message on referent", err)
			}
		})

		t.Run("an account that is no referent is refused", func(t *testing.T) {
			err := svc.SetCandidateReferent(ctx, secretariat, w.CandidateA, w.UserIDs[w.Accounts[domain.RoleCompany]])
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
		})

		t.Run("another organisation does not find the candidate", func(t *testing.T) {
			err := svc.SetCandidateReferent(ctx, w.Actor(t, w.OrgBAccount), w.CandidateA, referentA)
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v, want not found", err)
			}
		})

		t.Run("the company's referent is named, audited, and then sees the candidate", func(t *testing.T) {
			if err := svc.SetCandidateReferent(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), w.CandidateA, referentA); err != nil {
				t.Fatal(err)
			}
			c, err := svc.Candidate(ctx, w.Actor(t, w.Accounts[domain.RoleCompanyReferent]), w.CandidateA)
			if err != nil || c.Enrolments[0].ReferentUserID != referentA {
				t.Fatalf("referent's view: %+v %v", c.Enrolments, err)
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "enrolment.referent"})
			if err != nil || len(entries) != 1 || entries[0].CandidateID != w.CandidateA {
				t.Fatalf("audit: %+v %v", entries, err)
			}
		})
	})
}
