package service_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
)

// What a VAE user waits on, on SQLite (the default): a candidate uploading a large evidence
// file from their phone, the secretariat recording a decision (letter PDF rendered, stored and
// mailed), and the secretariat's VAE list with a thousand files.

// BenchmarkAddEvidence8MB uploads an 8 MB PDF: content check, fingerprint, one transaction
// storing it in the database.
func BenchmarkAddEvidence8MB(b *testing.B) {
	ctx := context.Background()
	w := servicetest.New(b, storetest.Open(b, storetest.Targets(b)[0]))
	f := benchAdmissible(b, w)
	w.Service.SetVAESettings(service.VAESettings{MaxEvidenceBytes: 10 << 20, MaxEvidenceFiles: 1 << 20})
	content := append(append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0123456789abcdef"), 8<<16)...), []byte("\n%%EOF\n")...)
	b.SetBytes(int64(len(content)))
	b.ResetTimer()
	for i := range b.N {
		if _, err := w.Service.AddEvidence(ctx, f.candidate, f.enrolment, service.EvidenceUpload{Filename: fmt.Sprintf("preuve-%d.pdf", i), Content: content}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecideVAE records an "incomplete" decision and revokes it, each time rendering the
// letter: the decision as the secretariat waits for it, plus the revocation.
func BenchmarkDecideVAE(b *testing.B) {
	ctx := context.Background()
	w := servicetest.New(b, storetest.Open(b, storetest.Targets(b)[0]))
	f := benchReviewed(b, w)
	b.ResetTimer()
	for range b.N {
		d, err := w.Service.DecideVAE(ctx, f.sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionIncomplete,
			Reason: "Décrivez les activités de la seconde période."})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Service.RevokeVAEDecision(ctx, f.sec, f.enrolment, d.ID, "Mesure de performance."); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVAEList1000 reads a page (the fifth, of 100 files) of the secretariat's list of
// 1 000 VAE files, with the count of all of them.
func BenchmarkVAEList1000(b *testing.B) {
	ctx := context.Background()
	w := servicetest.New(b, storetest.Open(b, storetest.Targets(b)[0]))
	sec := w.Actor(b, w.Accounts[domain.RoleSecretariat])
	optional := w.OptionalBlocks(b, "IARD")
	for i := range 1000 {
		if _, err := w.Service.RequestVAE(ctx, sec, service.VAERequestInput{
			Candidate: domain.Candidate{BirthName: fmt.Sprintf("Moreau-%04d", i), FirstNames: "Gaëlle", BirthDate: domain.NewDate(1988, 6, 2),
				Sex: domain.SexFemale, BirthINSEE: "69123"},
			QualificationCode: "IARD", Public: domain.PublicEmployee, Blocks: optional}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		page, err := w.Service.VAEFilesPage(ctx, sec, service.VAEListFilter{Offset: 4 * service.VAEPageSize})
		if err != nil || len(page.Files) != service.VAEPageSize || page.Total != 1000 {
			b.Fatalf("%d of %d: %v", len(page.Files), page.Total, err)
		}
	}
}

type benchVAE struct {
	enrolment      string
	sec, candidate domain.Actor
}

// benchReviewed is a VAE file with a favourable opinion, waiting for the decision.
func benchReviewed(b *testing.B, w *servicetest.World) benchVAE {
	b.Helper()
	ctx := context.Background()
	f := benchVAE{sec: w.Actor(b, w.Accounts[domain.RoleSecretariat])}
	out, err := w.Service.RequestVAE(ctx, f.sec, service.VAERequestInput{CandidateID: w.CandidateA, QualificationCode: "IARD",
		Public: domain.PublicEmployee, CompanyID: w.CompanyA, Blocks: w.OptionalBlocks(b, "IARD")})
	if err != nil {
		b.Fatal(err)
	}
	f.enrolment = out.Enrolment.ID
	f.candidate = w.Actor(b, w.Accounts[domain.RoleCandidate])
	steps := []func() error{
		func() error { _, err := w.Service.SendAdmissibilityFile(ctx, f.sec, f.enrolment); return err },
		func() error {
			_, err := w.Service.SubmitAdmissibility(ctx, f.candidate, f.enrolment, servicetest.CompleteAdmissibility(b, w, f.enrolment))
			return err
		},
		func() error { return w.Service.RequestVAEReview(ctx, f.sec, f.enrolment, w.OrgA) },
		func() error {
			return w.Service.GiveVAEReview(ctx, w.Actor(b, w.Accounts[domain.RoleTrainingOrganisation]), f.enrolment,
				service.ReviewInput{Opinion: domain.OpinionFavourable, Comment: "Avis favorable."})
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// benchAdmissible is a VAE file whose experience file is open.
func benchAdmissible(b *testing.B, w *servicetest.World) benchVAE {
	b.Helper()
	f := benchReviewed(b, w)
	if _, err := w.Service.DecideVAE(context.Background(), f.sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionAdmissible,
		Reason: "Avis favorable.", ValidUntil: "25/11/2027"}); err != nil {
		b.Fatal(err)
	}
	return f
}
