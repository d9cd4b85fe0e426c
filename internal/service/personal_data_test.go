package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// seedPersonalData gives candidate A a continuous mark, a certificate and a mail, as the
// export must show them.
func seedPersonalData(t *testing.T, w *servicetest.World, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	eA := enrolmentOf(t, w, w.CandidateA)
	closedSession(t, st, "s-rgpd", "", juryDay, "Paris", fullSignatories, presented{eA, "certified", []string{"BC1"}})
	err := st.Write(ctx, func(q store.Q) error {
		if err := q.AddContinuousAssessment(ctx, store.ContinuousAssessment{ID: "mark-rgpd", EnrolmentID: eA, BlockCode: "BC1",
			Label: "Étude de cas", Mark: 1250, AssessedOn: domain.NewDate(2026, 10, 2), CreatedAt: juryDay}); err != nil {
			return err
		}
		if _, err := q.InsertCertificate(ctx, store.Certificate{ID: "cert-rgpd", Number: "COURTAGE-2026-000042", Kind: store.KindCertificate,
			VerificationCode: "RGPDCODE42", EnrolmentID: eA, CandidateID: w.CandidateA, SessionID: "s-rgpd",
			HolderName: "Éloïse LEFÈVRE", QualificationCode: "CC", QualificationTitle: "Chargé de clientèle",
			Blocks: []store.CertificateBlock{{Code: "BC1", Title: "Accueil"}}, AwardedOn: domain.DateOf(juryDay),
			IssuedAt: juryDay, IssuedBy: ""}); err != nil {
			return err
		}
		return q.QueueMail(ctx, store.Mail{ID: "mail-rgpd", To: w.Accounts[domain.RoleCandidate], Subject: "Votre convocation",
			Body: "Lien secret https://cqp.test/mot-de-passe/nouveau?token=SECRET", CreatedAt: juryDay})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPersonalDataExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		seedPersonalData(t, w, st)
		cand := w.Actor(t, w.Accounts[domain.RoleCandidate])
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])

		token, _, err := svc.CreateAPIToken(ctx, cand, "Mon tableur", service.DefaultAPITokenDays)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("the candidate exports their own data with marks, certificates, mails and the audit trail", func(t *testing.T) {
			d, err := svc.PersonalDataExport(ctx, cand, w.CandidateA)
			if err != nil {
				t.Fatal(err)
			}
			if d.Format != service.PersonalDataFormat || d.Controller.Name == "" || d.ExportedAt.IsZero() || len(d.Purposes) == 0 || d.Documents == "" {
				t.Fatalf("header %+v", d)
			}
			if d.Candidate.BirthName != "Lefèvre" || d.Candidate.BirthDate.ISO() != "1995-03-14" || d.Candidate.BirthINSEE != "75056" {
				t.Fatalf("identity %+v", d.Candidate)
			}
			if d.Account == nil || d.Account.Email != w.Accounts[domain.RoleCandidate] || len(d.Account.Roles) != 1 ||
				len(d.Account.APITokens) != 1 || d.Account.APITokens[0].Name != "Mon tableur" {
				t.Fatalf("account %+v", d.Account)
			}
			if len(d.Enrolments) != 1 {
				t.Fatalf("enrolments %+v", d.Enrolments)
			}
			e := d.Enrolments[0]
			if len(e.ContinuousMarks) != 1 || e.ContinuousMarks[0].Mark != "12,5" || e.TrainingOrganisation != "Organisme A" || len(e.StatusHistory) == 0 {
				t.Fatalf("enrolment %+v", e)
			}
			if len(e.Orals) != 1 || e.Orals[0].Place != "Paris" || len(e.JurySessions) != 1 || e.JurySessions[0].Outcome != "certified" {
				t.Fatalf("orals %+v jury %+v", e.Orals, e.JurySessions)
			}
			if len(e.AcquiredBlocks) != 1 || e.AcquiredBlocks[0].Block != "BC1" {
				t.Fatalf("acquired %+v", e.AcquiredBlocks)
			}
			if len(d.Certificates) != 1 || d.Certificates[0].Number != "COURTAGE-2026-000042" || d.Certificates[0].VerificationCode != "RGPDCODE42" {
				t.Fatalf("certificates %+v", d.Certificates)
			}
			if len(d.Mails) != 1 || d.Mails[0].Subject != "Votre convocation" || d.Mails[0].Status != "queued" {
				t.Fatalf("mails %+v", d.Mails)
			}
			found := false
			for _, a := range d.AuditTrail {
				found = found || a.Action == "candidate.create"
			}
			if !found {
				t.Fatalf("the audit trail misses the candidate's creation: %+v", d.AuditTrail)
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			u, err := st.Read().UserByID(ctx, cand.UserID)
			if err != nil || u.PasswordHash == "" {
				t.Fatalf("the candidate's account has no password hash to look for: %v", err)
			}
			tokens, err := st.Read().APITokensOfUser(ctx, cand.UserID)
			if err != nil || len(tokens) != 1 {
				t.Fatalf("tokens %v %v", tokens, err)
			}
			for _, secret := range []string{u.PasswordHash, tokens[0].Hash, token, "argon2", "password_hash", "PasswordHash", "token_hash", "SECRET"} {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("the export holds %.20q", secret)
				}
			}
			for _, key := range []string{`"exported_at"`, `"controller"`, `"purposes"`, `"audit_trail"`, `"continuous_marks"`, `"verification_code"`} {
				if !bytes.Contains(b, []byte(key)) {
					t.Errorf("the export misses the key %s", key)
				}
			}
		})

		t.Run("each export is written to the audit trail with its format", func(t *testing.T) {
			if _, err := svc.PersonalDataForPDF(ctx, sec, w.CandidateA); err != nil {
				t.Fatal(err)
			}
			entries, _, err := st.Read().ListAudit(ctx, store.AuditFilter{CandidateID: w.CandidateA, Action: "candidate.personal_data_export"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 2 || !strings.Contains(entries[0].After, `"pdf"`) || entries[0].ActorRole != "secretariat" ||
				!strings.Contains(entries[1].After, `"json"`) || entries[1].ActorRole != "candidate" {
				t.Fatalf("audit %+v", entries)
			}
		})

		t.Run("the candidate cannot export another candidate's data: it is not found", func(t *testing.T) {
			_, err := svc.PersonalDataExport(ctx, cand, w.CandidateB)
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("the secretariat exports any candidate's data", func(t *testing.T) {
			d, err := svc.PersonalDataExport(ctx, sec, w.CandidateB)
			if err != nil || d.Candidate.BirthName != "Martin" || d.Account != nil || len(d.Certificates) != 0 {
				t.Fatalf("%+v %v", d.Candidate, err)
			}
		})

		for _, role := range []domain.Role{domain.RoleTrainingOrganisation, domain.RoleCompany, domain.RoleCompanyReferent,
			domain.RoleJuryMember, domain.RoleJuryPresident, domain.RoleCommissionMember, domain.RoleBranch, domain.RoleFunder, domain.RoleVAEAdviser} {
			t.Run(string(role)+" may not export a candidate's data", func(t *testing.T) {
				_, err := svc.PersonalDataExport(ctx, w.Actor(t, w.Accounts[role]), w.CandidateA)
				if domain.ErrorCode(err) != domain.EFORBIDDEN {
					t.Fatalf("got %v", err)
				}
			})
		}
	})
}
