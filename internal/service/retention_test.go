package service_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// serviceAt is the world's service with its clock moved on by months.
func serviceAt(st *store.Store, months int) *service.Service {
	at := servicetest.Clock.AddDate(0, months, 0)
	return service.New(st, func() time.Time { return at }, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")
}

// withdrawAll ends every enrolment of a candidate still under way.
func withdrawAll(t *testing.T, w actionWorld, candidateID string) {
	t.Helper()
	ctx := context.Background()
	c, err := w.Service.Candidate(ctx, w.sys, candidateID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Enrolments {
		switch e.Status {
		case domain.StatusCertified, domain.StatusPartial, domain.StatusNotCertified, domain.StatusWithdrawn:
			continue
		}
		if _, err := w.Service.SetEnrolmentStatus(ctx, w.secretariat, candidateID, e.ID, domain.StatusWithdrawn, "Demande d'effacement"); err != nil {
			t.Fatalf("withdrawing %s (%s): %v", e.ID, e.Status, err)
		}
	}
}

func auditOf(t *testing.T, w actionWorld, action string) []domain.AuditEntry {
	t.Helper()
	entries, _, err := w.Service.Audit(context.Background(), w.sys, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.AuditEntry
	for _, e := range entries {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// Each kind of data goes when the branch's rule says, not a day before; the purge is counted in
// the audit trail with the rule it applied; a dry run erases nothing.
func TestPurgeAppliesTheBranchRetentionRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		vae := w.VAE(t)
		withdrawAll(t, w, w.CandidateB) // B's VAE file ends now; B holds nothing verifiable

		for _, a := range []domain.Actor{w.orgA, w.companyA, w.branch, w.funder} {
			if _, err := w.Service.PurgeExpired(ctx, a, true); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("%v runs a purge: %v", a.Roles, err)
			}
			if err := w.Service.SaveRetentionRules(ctx, a, map[domain.RetentionKind]string{domain.RetainMail: "6"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("%v sets the retention rules: %v", a.Roles, err)
			}
		}

		early, err := serviceAt(st, 23).PurgeExpired(ctx, domain.SystemActor("Conservation"), false)
		if err != nil {
			t.Fatal(err)
		}
		if early.VAEFiles != 0 || early.Candidates != 0 {
			t.Fatalf("23 months after the result, the purge erased %+v", early)
		}
		if early.Mails == 0 {
			t.Fatalf("23 months after they were written, the mails stayed (a year's rule): %+v", early)
		}

		later := serviceAt(st, 25)
		dry, err := later.PurgeExpired(ctx, domain.SystemActor("Conservation"), true)
		if err != nil || dry.VAEFiles != 1 || dry.Candidates != 0 {
			t.Fatalf("dry run at 25 months: %+v %v", dry, err)
		}
		if f, err := w.Service.VAE(ctx, w.secretariat, vae.SideB); err != nil || f.File.PurgedAt != nil {
			t.Fatalf("a dry run purged the file: %v", err)
		}
		done, err := later.PurgeExpired(ctx, domain.SystemActor("Conservation"), false)
		if err != nil || done.VAEFiles != 1 {
			t.Fatalf("purge at 25 months: %+v %v", done, err)
		}
		f, err := w.Service.VAE(ctx, w.secretariat, vae.SideB)
		if err != nil || f.File.PurgedAt == nil {
			t.Fatalf("B's VAE file is not marked purged: %v", err)
		}
		if f, err := w.Service.VAE(ctx, w.secretariat, vae.SideA); err != nil || f.File.PurgedAt != nil {
			t.Fatalf("A's VAE file, still under way, was purged: %v", err)
		}
		purged := auditOf(t, w, "vae.purged")
		if len(purged) != 1 || purged[0].CandidateID != w.CandidateB || !strings.Contains(purged[0].Reason, "2 ans") {
			t.Fatalf("the purge's audit entry: %+v", purged)
		}
		if again, err := later.PurgeExpired(ctx, domain.SystemActor("Conservation"), false); err != nil || !again.Empty() {
			t.Fatalf("a second purge found more: %+v %v", again, err)
		}

		if err := w.Service.SaveRetentionRules(ctx, w.secretariat, map[domain.RetentionKind]string{
			domain.RetainUnfinishedCandidates: "0", domain.RetainMail: "douze"}); fieldOf(err, service.RetentionField(domain.RetainUnfinishedCandidates)) == "" ||
			fieldOf(err, service.RetentionField(domain.RetainMail)) == "" {
			t.Fatalf("bad months: %v", err)
		}
		if err := w.Service.SaveRetentionRules(ctx, w.secretariat, map[domain.RetentionKind]string{domain.RetainUnfinishedCandidates: "36"}); err != nil {
			t.Fatal(err)
		}
		rules, err := w.Service.RetentionRules(ctx, w.secretariat)
		if err != nil || rules[2].Kind != domain.RetainUnfinishedCandidates || rules[2].Months != 36 || rules[2].Default || rules[0].Months != 24 {
			t.Fatalf("rules after saving: %+v %v", rules, err)
		}
		anon, err := serviceAt(st, 37).PurgeExpired(ctx, domain.SystemActor("Conservation"), false)
		if err != nil || anon.Candidates != 1 {
			t.Fatalf("purge at 37 months under a 36 months rule: %+v %v", anon, err)
		}
		b, err := w.Service.Candidate(ctx, w.sys, w.CandidateB)
		if err != nil || !b.Anonymised() || b.Email != "" || b.DisplayName() != "Personne anonymisée" || b.Number == "" {
			t.Fatalf("B after the purge: %+v %v", b, err)
		}
		a, err := w.Service.Candidate(ctx, w.sys, w.CandidateA)
		if err != nil || a.ErasedAt != nil {
			t.Fatalf("A, with enrolments under way, was erased: %v", err)
		}
	})
}

// Erasure on request: refused while an enrolment is under way (nothing written); then it
// erases the contact details, the account, the mails and the VAE files, keeps the identity of a
// person whose acquired blocks count, and is audited with the request.
func TestErasureOnRequestKeepsWhatVerificationNeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		vae := w.VAE(t)
		holdBlocks(t, st, w, "BC1") // A's formation enrolment ends partial, BC1 acquired
		err := st.Write(ctx, func(q store.Q) error {
			c, err := q.Candidate(ctx, w.CandidateA, store.Scope{})
			if err != nil {
				return err
			}
			c.Email, c.BirthCity = "camille.a@example.fr", "Lyon"
			return q.UpdateCandidateIdentity(ctx, c)
		})
		if err != nil {
			t.Fatal(err)
		}

		for _, a := range []domain.Actor{w.orgA, w.companyA, w.branch, w.funder} {
			if _, err := w.Service.ErasurePlan(ctx, a, w.CandidateA); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("%v prepares an erasure: %v", a.Roles, err)
			}
			if _, err := w.Service.EraseOnRequest(ctx, a, w.CandidateA, service.ErasureRequest{Reason: "Demande écrite du 01/12/2026", Confirmed: true}); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("%v erases: %v", a.Roles, err)
			}
		}
		plan, err := w.Service.ErasurePlan(ctx, w.secretariat, w.CandidateA)
		if err != nil || !strings.Contains(plan.Blocked, "en cours") || !plan.KeepIdentity {
			t.Fatalf("plan with the VAE under way: %+v %v", plan, err)
		}
		if _, err := w.Service.EraseOnRequest(ctx, w.secretariat, w.CandidateA, service.ErasureRequest{Reason: "Demande écrite du 01/12/2026", Confirmed: true}); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("erasing with an enrolment under way: %v", err)
		}
		if _, err := w.Service.EraseOnRequest(ctx, w.secretariat, w.CandidateA, service.ErasureRequest{Reason: "  "}); fieldOf(err, "reason") == "" || fieldOf(err, "confirm") == "" {
			t.Fatalf("erasing without the request: %v", err)
		}
		if c, _ := w.Service.Candidate(ctx, w.sys, w.CandidateA); c.ErasedAt != nil || c.Email == "" || c.BirthCity == "" {
			t.Fatal("a refused erasure erased")
		}

		withdrawAll(t, w, w.CandidateA)
		done, err := w.Service.EraseOnRequest(ctx, w.secretariat, w.CandidateA, service.ErasureRequest{Reason: "Demande écrite du 01/12/2026, reçue par courrier", Confirmed: true})
		if err != nil {
			t.Fatal(err)
		}
		if !done.KeepIdentity || done.Candidate.Anonymised() || done.Candidate.BirthName == "" || done.Candidate.Email != "" ||
			done.Candidate.BirthCity != "" || done.Candidate.ErasedAt == nil {
			t.Fatalf("A after erasure: %+v", done.Candidate)
		}
		if !strings.Contains(strings.Join(done.Counts, "\n"), "dossiers VAE effacés : 1 (pièces justificatives : 1)") {
			t.Fatalf("counts: %q", done.Counts)
		}
		if f, err := w.Service.VAE(ctx, w.secretariat, vae.SideA); err != nil || f.File.PurgedAt == nil || len(f.Evidence) != 0 {
			t.Fatalf("A's VAE file after erasure: %+v %v", f.File.PurgedAt, err)
		}
		if _, err := w.Service.Login(ctx, w.Accounts[domain.RoleCandidate], servicetest.Password, "127.0.0.1"); err == nil {
			t.Fatal("the erased person's account still logs in")
		}
		entries := auditOf(t, w, "candidate.erased")
		if len(entries) != 1 || entries[0].CandidateID != w.CandidateA || !strings.Contains(entries[0].Reason, "courrier") {
			t.Fatalf("audit of the erasure: %+v", entries)
		}
		if _, err := w.Service.EraseOnRequest(ctx, w.secretariat, w.CandidateA, service.ErasureRequest{Reason: "Deuxième demande", Confirmed: true}); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("erasing twice: %v", err)
		}
		_, err = w.Service.RequestVAE(ctx, w.secretariat, service.VAERequestInput{CandidateID: w.CandidateA, QualificationCode: "CC",
			Public: domain.PublicEmployee, CompanyID: w.CompanyA, Blocks: w.OptionalBlocks(t, "CC")})
		if !strings.Contains(domain.ErrorMessage(err), "ne peut plus être inscrite") {
			t.Fatalf("an erased person enrolled again: %v", err)
		}
	})
}
