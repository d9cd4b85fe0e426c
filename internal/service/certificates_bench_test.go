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
// After each round, out of the timer, it measures the floor: the same documents rendered once
// on every processor and zipped, with nothing read or written around them (RenderAndZip);
// floor-ms/op and x-floor report it and the ratio (issue 16: at most 1,3 ×).
//
//	go test -run '^$' -bench 'BenchmarkIssueSession300$' -benchtime 5x ./internal/service/
func BenchmarkIssueSession300(b *testing.B) {
	benchmarkIssueSession(b, "certified", nil, 300)
}

// BenchmarkIssueSession300Partial issues the documents of a closed session of 300 candidates
// with a partial result of three blocks each: 900 block attestations (900 numbers, codes,
// PDFs and mails), then the ZIP.
func BenchmarkIssueSession300Partial(b *testing.B) {
	benchmarkIssueSession(b, "partial", []string{"BC1", "BC2", "BC3"}, 900)
}

func benchmarkIssueSession(b *testing.B, outcome string, acquired []string, documents int) {
	ctx := context.Background()
	st := storetest.Open(b, storetest.Targets(b)[0])
	w := servicetest.New(b, st)
	w.ConfirmFrameworks(b)
	sys := domain.SystemActor("bench")
	// A block is acquired once per enrolment: a session acquiring blocks needs new candidates
	// at each round.
	enrol := func(round int) []presented {
		cands := make([]presented, 300)
		for i, c := range benchCandidates(b, w, fmt.Sprint(round), len(cands)) {
			cands[i] = presented{enrolment: c.Enrolments[0].ID, outcome: outcome, acquired: acquired}
		}
		return cands
	}
	cands := enrol(0)
	var floor time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		id := fmt.Sprintf("bench-%d", i)
		if i > 0 && len(acquired) > 0 {
			cands = enrol(i)
		}
		closedSession(b, st, id, "", juryDay.Add(time.Duration(i)*time.Hour), "Paris", fullSignatories, cands...)
		b.StartTimer()
		rep, err := w.Service.IssueSessionDocuments(ctx, sys, id)
		if err != nil || rep.Certificates+rep.Attestations != documents || rep.Mail.Queued != documents {
			b.Fatalf("%+v %v", rep, err)
		}
		z, err := w.Service.SessionDocumentsZIP(ctx, sys, id)
		if err != nil || len(z.Content) == 0 {
			b.Fatal(err)
		}
		b.StopTimer()
		ds, names, err := w.Service.SessionDocumentInputs(ctx, id)
		if err != nil || len(ds) != documents {
			b.Fatalf("%d documents to render for the floor: %v", len(ds), err)
		}
		start := time.Now()
		if _, err := service.RenderAndZip(ds, names); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(start)
		b.StartTimer()
	}
	b.StopTimer()
	perOp := float64(b.Elapsed()) / float64(b.N) / float64(time.Millisecond)
	floorPerOp := float64(floor) / float64(b.N) / float64(time.Millisecond)
	b.ReportMetric(floorPerOp, "floor-ms/op")
	b.ReportMetric(perOp/floorPerOp, "x-floor")
}

// benchCandidates enrols n employees of company A with organisation A on the Chargé de
// clientèle CQP, formation route; batch keeps each call's people apart.
func benchCandidates(b *testing.B, w *servicetest.World, batch string, n int) []domain.Candidate {
	b.Helper()
	out := make([]domain.Candidate, 0, n)
	for i := range n {
		c, err := w.Service.CreateCandidate(context.Background(), domain.SystemActor("bench"), service.CandidateInput{
			Candidate: domain.Candidate{BirthName: fmt.Sprintf("Lefèvre-%s-%03d", batch, i), FirstNames: "Éloïse", BirthDate: domain.NewDate(1995, 3, 14),
				Sex: domain.SexFemale, BirthINSEE: "75056", Email: fmt.Sprintf("c%s-%03d@example.fr", batch, i)},
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
