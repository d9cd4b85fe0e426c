package servicetest

import (
	"context"
	"fmt"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// Jurors puts the fixture's jury president and member on the roster with four more members
// (created on first call), and returns their user ids, the president first.
func (w *World) Jurors(t testing.TB) []string {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	ids := []string{w.UserIDs[w.Accounts[domain.RoleJuryPresident]], w.UserIDs[w.Accounts[domain.RoleJuryMember]]}
	for i := range 4 {
		email := fmt.Sprintf("jure.fixture%d@cqp.test", i)
		id, ok := w.UserIDs[email]
		if !ok {
			u, err := w.Service.CreateUser(ctx, sys, service.UserInput{Email: email, Name: fmt.Sprintf("Juré de l'équipe n° %d", i),
				Password: Password, Roles: []domain.RoleAssignment{{Role: domain.RoleJuryMember}}})
			if err != nil {
				t.Fatal(err)
			}
			id = u.ID
			w.UserIDs[email] = id
		}
		ids = append(ids, id)
	}
	colleges := []service.College{service.CollegeCPNEFPPresident, service.CollegeUnions, service.CollegeUnions,
		service.CollegeEmployers, service.CollegeEmployers, service.CollegeExperts}
	for i, id := range ids {
		if err := w.Service.SetJuryRosterMember(ctx, sec, id, colleges[i]); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// Judge holds a jury session on date (JJ/MM/AAAA) as the users would: the secretariat
// schedules it, invites the roster, records everyone present, presents the enrolments and opens
// the deliberation; every block in debate is decided by decide (nil: acquired); the president
// closes the session. It returns the session's id.
func (w *World) Judge(t testing.TB, date string, decide func(enrolmentID, block string) string, enrolments ...string) string {
	t.Helper()
	ctx := context.Background()
	svc := w.Service
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	jurors := w.Jurors(t)
	js, err := svc.ScheduleJurySession(ctx, sec, service.JurySessionInput{Date: date, Time: "14:00", Place: "Paris, salle Turgot"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.InviteJuryMembers(ctx, sec, js.ID, jurors); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordJuryAttendance(ctx, sec, js.ID, jurors); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PresentJuryCandidates(ctx, sec, js.ID, enrolments); err != nil {
		t.Fatalf("present %v: %v", enrolments, err)
	}
	if _, err := svc.OpenJuryDeliberation(ctx, sec, js.ID); err != nil {
		t.Fatal(err)
	}
	v, err := svc.JurySession(ctx, sec, js.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Candidates {
		for _, b := range c.Blocks {
			if !b.InDebate {
				continue
			}
			d := "A"
			if decide != nil {
				d = decide(c.EnrolmentID, b.Code)
			}
			if err := svc.DecideJuryBlock(ctx, sec, js.ID, c.EnrolmentID, service.JuryDecisionInput{Block: b.Code, Decision: d,
				Reason: "Décision du jury sur " + b.Code}); err != nil {
				t.Fatalf("decide %s: %v", b.Code, err)
			}
		}
	}
	if _, err := svc.CloseJurySession(ctx, w.Actor(t, w.Accounts[domain.RoleJuryPresident]), js.ID); err != nil {
		t.Fatalf("close the session of %s: %v", date, err)
	}
	return js.ID
}
