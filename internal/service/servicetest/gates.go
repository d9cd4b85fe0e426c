package servicetest

import (
	"context"
	"strconv"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// MeetJuryGates records what the gates before the jury ask of an enrolment's hours (DOMAIN.md
// §7 rule 5): the training hours its route owes, spread over its blocks, and one internship of
// the hours its public owes, at the enrolment's company (company A when it has none). What is
// already met is left as it is.
func (w *World) MeetJuryGates(t testing.TB, enrolmentID string) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	f, err := w.Service.Followup(ctx, sys, enrolmentID)
	if err != nil {
		t.Fatal(err)
	}
	if f.HoursError != "" {
		t.Fatalf("the hours owed by enrolment %s: %s", enrolmentID, f.HoursError)
	}
	if owed, n := f.Hours.TrainingOwed, len(f.Enrolment.Blocks); !f.Hours.TrainingMet && n > 0 {
		each := strconv.Itoa((owed + n - 1) / n)
		hours := map[string]service.BlockHoursInput{}
		for _, b := range f.Enrolment.Blocks {
			hours[b] = service.BlockHoursInput{Planned: each, Done: each}
		}
		if err := w.Service.SetTrainingHours(ctx, sys, enrolmentID, hours); err != nil {
			t.Fatalf("record the training hours: %v", err)
		}
	}
	if owed := f.Hours.InternshipOwed - f.Hours.InternshipDone; owed > 0 {
		company := f.Enrolment.CompanyID
		if company == "" {
			company = w.CompanyA
		}
		if _, err := w.Service.AddInternship(ctx, sys, enrolmentID, service.InternshipInput{CompanyID: company,
			StartsOn: "01/09/2026", EndsOn: "30/10/2026", Hours: strconv.Itoa(owed)}); err != nil {
			t.Fatalf("record the internship: %v", err)
		}
	}
}
