package servicetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
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

// CheckResultsCameFromJuries fails the test when the database holds a result that no closed
// jury session accounts for (store.ResultsWithoutJury), or when a status change recorded in
// the audit trail (« enrolment.status ») names an outcome: only a jury's closing writes one
// (DOMAIN.md §7 rule 4).
func CheckResultsCameFromJuries(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	found, err := st.Read().ResultsWithoutJury(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) > 0 {
		t.Errorf("%d results written without a closed jury session, first: %s", len(found), found[0])
	}
	entries, _, err := st.Read().ListAudit(ctx, store.AuditFilter{Action: "enrolment.status", Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		for _, outcome := range []string{"certified", "partial", "not_certified"} {
			if strings.Contains(e.After, `"`+outcome+`"`) {
				t.Errorf("%s moved enrolment %s to %s outside a jury's closing", e.ActorName, e.EntityID, outcome)
			}
		}
	}
}
