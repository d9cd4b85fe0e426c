// Package servicetest builds a small, complete world for tests of the layers above the
// service: the shipped framework, two training organisations and two companies (A and B), a
// candidate in each, and one account per role scoped to side A (plus an OF account of side B
// to test cross-scope access).
package servicetest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/service"
	"cqp/internal/store"
)

// Password is every fixture account's password.
const Password = "mot-de-passe-de-test"

// Clock is the fixtures' fixed "now": 25/11/2026 10:00 in Paris.
var Clock = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// World holds the ids and accounts of the fixture.
type World struct {
	Service      *service.Service
	OrgA, OrgB   string
	CompanyA     string
	CompanyB     string
	CandidateA   string                 // enrolled with OrgA and CompanyA, followed by the referent
	CandidateB   string                 // enrolled with OrgB and CompanyB
	Accounts     map[domain.Role]string // role → e-mail, all scoped to side A
	OrgBAccount  string                 // e-mail of a training_organisation account of OrgB
	UserIDs      map[string]string      // e-mail → user id
	FrameworkCC  string                 // id of the Chargé de clientèle framework
	EnrolmentA   string                 // candidate A\'s enrolment
	CommissionID string                 // a commission on which the commission member sits
	OralID       string                 // candidate A\'s oral before that commission

	vae      *VAEWorld     // built on first call to VAE
	subjects *SubjectWorld // built on first call to Subjects
}

// New builds the world on a migrated store.
func New(t testing.TB, st *store.Store) *World {
	t.Helper()
	ctx := context.Background()
	svc := service.New(st, func() time.Time { return Clock }, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")
	sys := domain.SystemActor("test")
	w := &World{Service: svc, Accounts: map[domain.Role]string{}, UserIDs: map[string]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := frameworkfile.Shipped()
	must(err)
	_, err = svc.ImportFrameworks(ctx, sys, f.Branch, frameworkfile.WithNotes(f))
	must(err)
	fws, err := svc.Frameworks(ctx, sys)
	must(err)
	for _, r := range fws {
		if r.Framework.Qualification.Code == "CC" {
			w.FrameworkCC = r.ID
		}
	}
	orgA, err := svc.CreateTrainingOrganisation(ctx, sys, domain.TrainingOrganisation{Name: "Organisme A", SIRET: "73282932000074", City: "Paris"})
	must(err)
	orgB, err := svc.CreateTrainingOrganisation(ctx, sys, domain.TrainingOrganisation{Name: "Organisme B", SIRET: "35600000000048", City: "Lyon"})
	must(err)
	w.OrgA, w.OrgB = orgA.ID, orgB.ID
	for _, id := range []string{w.OrgA, w.OrgB} {
		must(svc.AddAccreditation(ctx, sys, domain.Accreditation{TrainingOrganisationID: id, QualificationCode: "CC",
			ValidFrom: domain.NewDate(2026, 1, 1), ValidUntil: domain.NewDate(2028, 12, 31)}))
	}
	coA, err := svc.CreateCompany(ctx, sys, domain.Company{Name: "Cabinet A", SIRET: "40483304800022", City: "Paris"})
	must(err)
	coB, err := svc.CreateCompany(ctx, sys, domain.Company{Name: "Cabinet B", SIRET: "44306184100047", City: "Lyon"})
	must(err)
	w.CompanyA, w.CompanyB = coA.ID, coB.ID
	funder, err := svc.CreateFunder(ctx, sys, domain.Funder{Name: "OPCO Atlas"})
	must(err)

	cc, _ := f.Framework("CC")
	var optional []string
	for _, b := range cc.BlocksOfKind(domain.BlockOptional)[:cc.Composition.Optional] {
		optional = append(optional, b.Code)
	}
	enrol := func(name, first, org, company string) string {
		c, err := svc.CreateCandidate(ctx, sys, service.CandidateInput{
			Candidate: domain.Candidate{BirthName: name, FirstNames: first, BirthDate: domain.NewDate(1995, 3, 14),
				Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"},
			Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
				TrainingOrganisationID: org, CompanyID: company, Blocks: optional},
		})
		must(err)
		return c.ID
	}
	w.CandidateA = enrol("Lefèvre", "Éloïse", w.OrgA, w.CompanyA)
	w.CandidateB = enrol("Martin", "Paul", w.OrgB, w.CompanyB)

	scopes := map[domain.Role]string{
		domain.RoleTrainingOrganisation: w.OrgA, domain.RoleCompany: w.CompanyA, domain.RoleCompanyReferent: w.CompanyA,
		domain.RoleCandidate: w.CandidateA, domain.RoleFunder: funder.ID,
	}
	add := func(email string, role domain.Role, scope string) string {
		u, err := svc.CreateUser(ctx, sys, service.UserInput{Email: email, Name: string(role), Password: Password,
			Roles: []domain.RoleAssignment{{Role: role, ScopeID: scope}}})
		must(err)
		w.UserIDs[email] = u.ID
		return u.ID
	}
	for _, role := range domain.Roles {
		email := string(role) + "@cqp.test"
		add(email, role, scopes[role])
		w.Accounts[role] = email
	}
	w.OrgBAccount = "of-b@cqp.test"
	add(w.OrgBAccount, domain.RoleTrainingOrganisation, w.OrgB)
	must(st.Write(ctx, func(q store.Q) error {
		if err := q.SetCandidateUser(ctx, w.CandidateA, w.UserIDs[w.Accounts[domain.RoleCandidate]]); err != nil {
			return err
		}
		if err := q.SetEnrolmentReferent(ctx, w.CandidateA, w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]); err != nil {
			return err
		}
		// The commission member sits on a commission that hears candidate A.
		c, err := q.Candidate(ctx, w.CandidateA, store.Scope{})
		if err != nil {
			return err
		}
		w.CommissionID, w.OralID, w.EnrolmentA = "commission-a", "oral-a", c.Enrolments[0].ID
		if err := q.CreateCommission(ctx, store.Commission{ID: w.CommissionID, Name: "Commission A", CreatedAt: Clock}); err != nil {
			return err
		}
		if err := q.AddCommissionMember(ctx, w.CommissionID, store.CommissionMember{UserID: w.UserIDs[w.Accounts[domain.RoleCommissionMember]], Voting: true}); err != nil {
			return err
		}
		return q.CreateOral(ctx, store.Oral{ID: w.OralID, CommissionID: w.CommissionID, EnrolmentID: w.EnrolmentA,
			StartsAt: Clock.Add(14 * 24 * time.Hour), DurationMinutes: 60, Place: "Paris", CreatedAt: Clock})
	}))
	return w
}

// Actor returns the actor of a fixture account.
func (w *World) Actor(t testing.TB, email string) domain.Actor {
	t.Helper()
	a, err := w.Service.Actor(context.Background(), w.UserIDs[email], "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}
