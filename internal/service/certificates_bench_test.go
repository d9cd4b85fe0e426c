package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
)

// BenchmarkIssueSession300 issues the documents of a closed session of 300 certified
// candidates (300 numbers and codes, 300 PDFs rendered and mailed as attachments) and then
// downloads the session's ZIP, on SQLite: what the secretariat waits for after a big jury.
func BenchmarkIssueSession300(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b, storetest.Targets(b)[0])
	w := servicetest.New(b, st)
	w.ConfirmFrameworks(b)
	sys := domain.SystemActor("bench")
	var enrolments []string
	for _, c := range benchCandidates(b, w, 300) {
		enrolments = append(enrolments, c.Enrolments[0].ID)
	}
	cands := make([]presented, len(enrolments))
	for i, e := range enrolments {
		cands[i] = presented{enrolment: e, outcome: "certified"}
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		id := fmt.Sprintf("bench-%d", i)
		closedSession(b, st, id, "", juryDay.Add(time.Duration(i)*time.Hour), "Paris", fullSignatories, cands...)
		b.StartTimer()
		rep, err := w.Service.IssueSessionDocuments(ctx, sys, id)
		if err != nil || rep.Certificates != 300 || rep.Mail.Queued != 300 {
			b.Fatalf("%+v %v", rep, err)
		}
		z, err := w.Service.SessionDocumentsZIP(ctx, sys, id)
		if err != nil || len(z.Content) == 0 {
			b.Fatal(err)
		}
	}
}

// benchCandidates enrols n employees of company A with organisation A on the Chargé de
// clientèle CQP, formation route.
func benchCandidates(b *testing.B, w *servicetest.World, n int) []domain.Candidate {
	b.Helper()
	out := make([]domain.Candidate, 0, n)
	for i := range n {
		c, err := w.Service.CreateCandidate(context.Background(), domain.SystemActor("bench"), service.CandidateInput{
			Candidate: domain.Candidate{BirthName: fmt.Sprintf("Lefèvre-%03d", i), FirstNames: "Éloïse", BirthDate: domain.NewDate(1995, 3, 14),
				Sex: domain.SexFemale, BirthINSEE: "75056", Email: fmt.Sprintf("c%03d@example.fr", i)},
			Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicEmployee,
				TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA, Blocks: []string{"OPT1", "OPT2"}},
		})
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}
