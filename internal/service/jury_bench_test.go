package service_test

import (
	"context"
	"fmt"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
)

// BenchmarkCloseSession300 closes a deliberating session of 300 candidates, on SQLite, as
// the jury president does at the end of a big jury: every candidate judged again by the rules
// engine with the blocks they already hold, the outcomes, acquired blocks and statuses written,
// the orals planned after the session cancelled (one candidate in three has one, with its
// mails), and the snapshot frozen, in one transaction. Setting up a session takes far longer
// than closing it and is not timed.
func BenchmarkCloseSession300(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		st := storetest.Open(b, storetest.Targets(b)[0])
		w := servicetest.New(b, st)
		sys := domain.SystemActor("bench")
		var enrolments []string
		for k, c := range benchCandidates(b, w, "close", 300) {
			e := c.Enrolments[0]
			if _, err := w.Service.SetEnrolmentStatus(ctx, sys, c.ID, e.ID, domain.StatusInTraining, ""); err != nil {
				b.Fatal(err)
			}
			hours := map[string]service.BlockHoursInput{}
			for _, code := range e.Blocks {
				hours[code] = service.BlockHoursInput{Planned: "90", Done: "90"}
				if _, err := w.Service.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: code, Label: "Étude de cas",
					On: "20/11/2026", Mark: "14"}); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Service.SetTrainingHours(ctx, sys, e.ID, hours); err != nil {
				b.Fatal(err)
			}
			submitJuryGrids(b, w.Service, e.ID, allAcquiredRows, "")
			for _, s := range []domain.EnrolmentStatus{domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
				if _, err := w.Service.SetEnrolmentStatus(ctx, sys, c.ID, e.ID, s, ""); err != nil {
					b.Fatal(err)
				}
			}
			if k%3 == 0 {
				if _, err := w.Service.ScheduleOral(ctx, sys, service.OralInput{CommissionID: w.CommissionID, EnrolmentID: e.ID,
					Date: domain.NewDate(2027, 1, 4).AddDays(k / 30).String(), Time: fmt.Sprintf("%02d:00", 8+(k/3)%10), Duration: "30", Place: "Paris"}); err != nil {
					b.Fatal(err)
				}
			}
			enrolments = append(enrolments, e.ID)
		}
		sec := w.Actor(b, w.Accounts[domain.RoleSecretariat])
		jurors := w.Jurors(b)
		js, err := w.Service.ScheduleJurySession(ctx, sec, service.JurySessionInput{Date: "10/12/2026", Time: "14:00", Place: "Paris"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Service.InviteJuryMembers(ctx, sec, js.ID, jurors); err != nil {
			b.Fatal(err)
		}
		if _, err := w.Service.RecordJuryAttendance(ctx, sec, js.ID, jurors); err != nil {
			b.Fatal(err)
		}
		if _, err := w.Service.PresentJuryCandidates(ctx, sec, js.ID, enrolments); err != nil {
			b.Fatal(err)
		}
		if _, err := w.Service.OpenJuryDeliberation(ctx, sec, js.ID); err != nil {
			b.Fatal(err)
		}
		president := w.Actor(b, w.Accounts[domain.RoleJuryPresident])
		b.StartTimer()
		snap, err := w.Service.CloseJurySession(ctx, president, js.ID)
		b.StopTimer()
		if err != nil || len(snap.Candidates) != 300 {
			b.Fatalf("close: %d candidates, %v", len(snap.Candidates), err)
		}
	}
}
