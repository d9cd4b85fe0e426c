package service_test

import (
	"context"
	"errors"
	"testing"

	"cqp/internal/domain"
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
		c, err := svc.Candidate(ctx, secretariat, w.CandidateA)
		if err != nil {
			t.Fatal(err)
		}
		enrolment := c.Enrolments[0].ID

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
			_, err := svc.SetEnrolmentStatus(ctx, orgB, w.CandidateA, enrolment, domain.StatusFinalEvaluation, "")
			if domain.ErrorCode(err) != domain.ENOTFOUND {
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

		t.Run("only the secretariat records a jury outcome", func(t *testing.T) {
			_, err := svc.SetEnrolmentStatus(ctx, orgA, w.CandidateA, enrolment, domain.StatusCertified, "")
			if domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("got %v, want forbidden", err)
			}
		})

		t.Run("a withdrawal needs a reason", func(t *testing.T) {
			_, err := svc.SetEnrolmentStatus(ctx, orgA, w.CandidateA, enrolment, domain.StatusWithdrawn, "  ")
			if domain.ErrorCode(err) != domain.EINVALID || fieldOf(err, "reason") == "" {
				t.Fatalf("got %v, want a message on reason", err)
			}
		})

		t.Run("an unknown status or the current one is refused", func(t *testing.T) {
			_, err := svc.SetEnrolmentStatus(ctx, secretariat, w.CandidateA, enrolment, "graduated", "")
			if domain.ErrorCode(err) != domain.EINVALID || fieldOf(err, "status") == "" {
				t.Fatalf("unknown status: got %v", err)
			}
			_, err = svc.SetEnrolmentStatus(ctx, secretariat, w.CandidateA, enrolment, domain.StatusInTraining, "")
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("current status: got %v, want conflict", err)
			}
		})

		t.Run("a company may not change a status", func(t *testing.T) {
			_, err := svc.SetEnrolmentStatus(ctx, w.Actor(t, w.Accounts[domain.RoleCompany]), w.CandidateA, enrolment, domain.StatusFinalEvaluation, "")
			if domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("got %v, want forbidden", err)
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
