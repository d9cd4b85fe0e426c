package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

var clock = time.Date(2026, time.March, 16, 9, 30, 0, 0, time.UTC)

func newService(s *store.Store) *service.Service {
	return service.New(s, func() time.Time { return clock }, slog.New(slog.DiscardHandler), "http://127.0.0.1:8080")
}

// actorOf logs in as a demo account and returns its actor.
func actorOf(t *testing.T, svc *service.Service, email string) domain.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := svc.Login(ctx, email, Password, "192.0.2.1")
	if err != nil {
		t.Fatalf("log in as %s: %v", email, err)
	}
	a, err := svc.Actor(ctx, u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type counts struct{ users, candidates, audit int }

func countAll(t *testing.T, svc *service.Service) counts {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	users, err := svc.Users(ctx, sys, store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := svc.Candidates(ctx, sys, store.CandidateFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, audit, err := svc.Audit(ctx, sys, store.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return counts{len(users), page.Total, audit}
}

// The demo's accounts cover every role and see the candidates and files their descriptions
// count; its candidates span every qualification, route and status; loading again changes
// nothing. Its last subtest loads again: TestTheLoadedDemo runs it after the read-only checks.
func checkAccountsCandidatesAndFiles(t *testing.T, d loadedDemo) {
	ctx, svc, accounts := context.Background(), d.svc, d.accounts
	secretariat := actorOf(t, svc, SecretariatEmail)

	t.Run("the secretariat sees the 40 planned candidates and those of the actions across every qualification, route and many statuses", func(t *testing.T) {
		page, err := svc.Candidates(ctx, secretariat, store.CandidateFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		// One line per enrolment: the VAE candidate redirected to the blocs route has two, and
		// so do the blocs route's people at the final stage.
		if want := 40 + routeCandidates() + 1 + blocsEnrolments(); page.Total != want || len(page.Rows) != want {
			t.Fatalf("got %d candidates (%d rows), want %d", page.Total, len(page.Rows), want)
		}
		quals, routes, statuses := map[string]int{}, map[domain.Route]int{}, map[domain.EnrolmentStatus]int{}
		for _, r := range page.Rows {
			quals[r.Enrolment.QualificationCode]++
			routes[r.Enrolment.Route]++
			statuses[r.Enrolment.Status]++
		}
		if len(quals) != 3 || len(routes) != 3 {
			t.Fatalf("qualifications %v, routes %v: want 3 of each", quals, routes)
		}
		for _, st := range domain.EnrolmentStatuses {
			if statuses[st] == 0 {
				t.Errorf("no candidate has status %s (%v)", st, statuses)
			}
		}
	})

	t.Run("the accounts cover every role and each one logs in with the demo password", func(t *testing.T) {
		if len(accounts.List) != 34 || accounts.Password != Password {
			t.Fatalf("got %d accounts with password %q, want 34 with %q", len(accounts.List), accounts.Password, Password)
		}
		roles := map[string]bool{}
		for _, a := range accounts.List {
			roles[a.Role] = true
			if a.Password != Password || !strings.HasSuffix(a.Email, "@"+Domain) || a.Sees == "" || a.Name == "" {
				t.Errorf("incomplete account %+v", a)
			}
			u, err := svc.UserByEmail(ctx, domain.SystemActor("test"), a.Email)
			if err != nil {
				t.Fatalf("account %s: %v", a.Email, err)
			}
			if len(u.Roles) != 1 || u.Roles[0].Role.Label() != a.Role {
				t.Errorf("account %s has roles %+v, the list says %s", a.Email, u.Roles, a.Role)
			}
		}
		for _, r := range domain.Roles {
			if !roles[r.Label()] {
				t.Errorf("no demo account for %s", r.Label())
			}
		}
		for _, email := range []string{"of.lyon@demo.cqp.test", "referent.nantes@demo.cqp.test", "candidat.eloise.lefevre@demo.cqp.test"} {
			actorOf(t, svc, email)
		}
		routes := map[string]bool{}
		for _, c := range plan() {
			if c.Account {
				routes[string(c.Route)] = true
			}
		}
		if len(routes) != len(domain.Routes) {
			t.Errorf("the candidates with an account follow the routes %v, not all three", routes)
		}
	})

	t.Run("each organisation's, company's and referent's description counts the candidates and files it sees", func(t *testing.T) {
		for _, a := range accounts.List {
			var files bool
			switch a.Role {
			case domain.RoleTrainingOrganisation.Label():
				files = true
			case domain.RoleCompany.Label(), domain.RoleCompanyReferent.Label():
			default:
				continue
			}
			actor := actorOf(t, svc, a.Email)
			page, err := svc.Candidates(ctx, actor, store.CandidateFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, r := range page.Rows {
				seen[r.Candidate.ID] = true
			}
			got := []int{len(seen)}
			if files {
				vae, err := svc.VAEFiles(ctx, actor, service.VAEListFilter{})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, len(vae))
				if strings.Contains(a.Sees, "habilitation a expiré") {
					got = got[1:] // it enrols nobody: its description counts its files
				}
			}
			if want := numbersIn(a.Sees); !slices.Equal(got, want) {
				t.Errorf("%s sees %v, its description says %q", a.Email, got, a.Sees)
			}
		}
	})

	t.Run("the VAE files stand at every step of the route, each reached through the route's own steps", func(t *testing.T) {
		files, err := svc.VAEFiles(ctx, secretariat, service.VAEListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[domain.VAEStatus]int{}
		for _, f := range files {
			statuses[f.File.Status]++
		}
		for _, st := range domain.VAEStatuses {
			if statuses[st] == 0 {
				t.Errorf("no VAE file is %s (%v)", st, statuses)
			}
		}
		gaelle := actorOf(t, svc, "candidat.gaelle.kervella@demo.cqp.test")
		mine, err := svc.VAEFiles(ctx, gaelle, service.VAEListFilter{})
		if err != nil || len(mine) != 1 {
			t.Fatalf("Gaëlle's files: %d %v", len(mine), err)
		}
		v, err := svc.VAE(ctx, gaelle, mine[0].File.EnrolmentID)
		if err != nil || !v.CanFillExperience || len(v.Evidence) != 1 || len(v.Comments) != 1 || len(v.ExperienceMissing) == 0 {
			t.Fatalf("Gaëlle's experience file: %+v %v", v.File, err)
		}
		adviser := actorOf(t, svc, "accompagnateur@demo.cqp.test")
		if followed, err := svc.VAEFiles(ctx, adviser, service.VAEListFilter{}); err != nil || len(followed) != 1 {
			t.Fatalf("the adviser follows %d files: %v", len(followed), err)
		}
		expired := actorOf(t, svc, "of.lille@demo.cqp.test")
		if toReview, err := svc.VAEFiles(ctx, expired, service.VAEListFilter{Statuses: []domain.VAEStatus{domain.VAEUnderReview}}); err != nil || len(toReview) != 1 {
			t.Fatalf("the organisation whose accreditation expired has %d files to review: %v", len(toReview), err)
		}
	})

	t.Run("a search for lefevre finds the three Lefèvre whatever their accents", func(t *testing.T) {
		page, err := svc.Candidates(ctx, secretariat, store.CandidateFilter{Search: "lefevre"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range page.Rows {
			names = append(names, r.Candidate.DisplayName())
		}
		slices.Sort(names)
		want := []string{"Chloé LEFÈVRE", "Frédéric LEFÈVRE", "Éloïse LEFÈVRE"}
		if !slices.Equal(names, want) {
			t.Fatalf("got %q, want %q", names, want)
		}
	})

	t.Run("a training organisation sees only its own candidates", func(t *testing.T) {
		of := actorOf(t, svc, "of.lyon@demo.cqp.test")
		ofID := of.Scopes(domain.RoleTrainingOrganisation)[0]
		own, err := svc.Candidates(ctx, of, store.CandidateFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		all, err := svc.Candidates(ctx, secretariat, store.CandidateFilter{TrainingOrganisationID: ofID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if own.Total == 0 || own.Total != all.Total || own.Total >= 40 {
			t.Fatalf("the organisation sees %d candidates, the secretariat counts %d with it", own.Total, all.Total)
		}
		for _, r := range own.Rows {
			if r.Enrolment.TrainingOrganisationName != "École Supérieure du Courtage de Lyon" {
				t.Errorf("the Lyon organisation sees %s enrolled with %q", r.Candidate.DisplayName(), r.Enrolment.TrainingOrganisationName)
			}
		}
		other, err := svc.Candidates(ctx, secretariat, store.CandidateFilter{Search: "eloise lefevre"})
		if err != nil || other.Total != 1 {
			t.Fatalf("find Éloïse: %+v %v", other, err)
		}
		if name := other.Rows[0].Enrolment.TrainingOrganisationName; name != organisations[0].Name {
			t.Fatalf("Éloïse is enrolled with %q, the plan says %q", name, organisations[0].Name)
		}
		if _, err := svc.Candidate(ctx, of, other.Rows[0].Candidate.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("the Lyon organisation reads another organisation's candidate: %v", err)
		}
	})

	t.Run("a referent sees the candidates of their company, each followed by them", func(t *testing.T) {
		ref := actorOf(t, svc, "referent.nantes@demo.cqp.test")
		page, err := svc.Candidates(ctx, ref, store.CandidateFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, c := range plan() {
			if c.Company >= 0 && companies[c.Company].Slug == "nantes" {
				want++
			}
		}
		if want == 0 || page.Total != want {
			t.Fatalf("the Nantes referent sees %d candidates, the plan gives the company %d", page.Total, want)
		}
		for _, r := range page.Rows {
			c, err := svc.Candidate(ctx, ref, r.Candidate.ID)
			if err != nil || c.Enrolments[0].CompanyName != "Atlantique Assurances Conseil" || c.Enrolments[0].ReferentName != "Yannick Le Goff" {
				t.Fatalf("the referent reads %+v, %v", c.Enrolments, err)
			}
		}
	})

	t.Run("a candidate reads their own file with its status history and nobody else's", func(t *testing.T) {
		me := actorOf(t, svc, "candidat.mamadou.n-diaye@demo.cqp.test")
		id := me.Scopes(domain.RoleCandidate)[0]
		c, err := svc.Candidate(ctx, me, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.BirthName != "N'Diaye" || c.BirthCountry != "Sénégal" || len(c.Enrolments) != 1 {
			t.Fatalf("own file: %+v", c)
		}
		e := c.Enrolments[0]
		if len(e.History) != len(steps(e.Route, e.Status))+1 || e.History[len(e.History)-1].Status != e.Status {
			t.Fatalf("history %+v does not lead to status %s", e.History, e.Status)
		}
		page, err := svc.Candidates(ctx, secretariat, store.CandidateFilter{Search: "oeuvray"})
		if err != nil || page.Total != 1 {
			t.Fatalf("find Œuvray: %+v %v", page, err)
		}
		if _, err := svc.Candidate(ctx, me, page.Rows[0].Candidate.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("a candidate reads another candidate's file: %v", err)
		}
	})

	t.Run("loading again changes nothing and returns the same accounts", func(t *testing.T) {
		before := countAll(t, svc)
		again, err := Load(ctx, svc)
		if err != nil {
			t.Fatal(err)
		}
		if after := countAll(t, svc); after != before {
			t.Fatalf("second load changed the database: %+v → %+v", before, after)
		}
		if again.Password != accounts.Password || !slices.Equal(again.List, accounts.List) {
			t.Fatal("second load returned other accounts")
		}
	})
}

func TestSynthetic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(s)
		sys := domain.SystemActor("test")

		if err := Synthetic(ctx, s, 10, 1); err == nil || !strings.Contains(err.Error(), "load the demo data first") {
			t.Fatalf("synthetic on an empty database: got %v, want a request to load the demo data", err)
		}
		if _, err := Load(ctx, svc); err != nil {
			t.Fatal(err)
		}
		before := countAll(t, svc)
		for range 2 { // twice with the same seed: numbers continue, nothing collides
			if err := Synthetic(ctx, s, 2000, 7); err != nil {
				t.Fatal(err)
			}
		}
		after := countAll(t, svc)
		if after.candidates != before.candidates+4000 {
			t.Fatalf("candidates %d → %d, want 4000 more", before.candidates, after.candidates)
		}
		if after.audit != before.audit+2 {
			t.Fatalf("audit entries %d → %d, want one per load", before.audit, after.audit)
		}
		entries, _, err := svc.Audit(ctx, sys, store.AuditFilter{Action: "demo.synthetic"})
		if err != nil || len(entries) != 2 || entries[0].After != `{"count":2000,"seed":7}` {
			t.Fatalf("audit of the synthetic loads: %+v %v", entries, err)
		}

		page, err := svc.Candidates(ctx, sys, store.CandidateFilter{Search: "lefevre", Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total <= 3 {
			t.Fatalf("a search for lefevre finds %d rows among 4040 candidates", page.Total)
		}
		c, err := svc.Candidate(ctx, sys, page.Rows[len(page.Rows)-1].Candidate.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Enrolments) != 1 || len(c.Enrolments[0].History) != 1 || c.Enrolments[0].History[0].Status != c.Enrolments[0].Status {
			t.Fatalf("a synthetic candidate's enrolment: %+v", c.Enrolments)
		}
		if !strings.Contains(c.SearchKey(), "lefevre") {
			t.Fatalf("candidate %s matched lefevre", c.DisplayName())
		}

		t.Run("every synthetic result was given by a closed jury session, with its acquired blocks", func(t *testing.T) {
			checkSyntheticResults(t, svc, s)
		})

		t.Run("the candidate counters end past the synthetic numbers", func(t *testing.T) {
			errRollBack := errors.New("roll back")
			err := s.Write(ctx, func(q store.Q) error {
				thisYear := time.Now().Add(-48 * time.Hour).In(domain.Paris()).Year()
				for y := thisYear - syntheticYears + 1; y <= thisYear; y++ {
					n, err := q.ReserveCandidateNumbers(ctx, y, 1)
					if err != nil {
						return err
					}
					c := domain.Candidate{ID: fmt.Sprintf("next-%d", y), Number: store.CandidateNumber(y, n), BirthName: "Martin",
						FirstNames: "Paul", BirthDate: domain.NewDate(1990, 5, 4), Sex: domain.SexMale, CreatedAt: time.Now()}
					if err := q.CreateCandidate(ctx, c); err != nil {
						return fmt.Errorf("next number of %d, %s: %w", y, c.Number, err)
					}
				}
				return errRollBack
			})
			if !errors.Is(err, errRollBack) {
				t.Fatal(err)
			}
		})
	})
}

// checkSyntheticResults checks DOMAIN.md §7 rule 4 over a large data set: every enrolment at
// a result was last presented to a closed session, which gave it that outcome and its acquired
// blocks; the sessions have their quorum present, a snapshot the pages and minutes read, and
// took place before now.
func checkSyntheticResults(t *testing.T, svc *service.Service, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	q := s.Read()
	sessions, err := q.JurySessions(ctx) // the most recent first
	if err != nil {
		t.Fatal(err)
	}
	latest := map[string]store.JuryCandidate{} // enrolment → its latest presentation
	for _, js := range sessions {
		if js.Status == store.JuryPlanned && js.Candidates == 0 {
			continue // the demo's next session, which nobody was presented to yet
		}
		if js.Status != store.JuryClosed || js.Present < js.Quorum || js.Candidates == 0 || js.Candidates > max(syntheticSessionSize, 10) ||
			!js.StartsAt.Before(time.Now()) {
			t.Fatalf("session of %s: %s, %d present for a quorum of %d, %d candidates", js.StartsAt, js.Status, js.Present, js.Quorum, js.Candidates)
		}
		presented, err := q.JuryCandidates(ctx, js.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range presented {
			if _, ok := latest[p.EnrolmentID]; !ok {
				latest[p.EnrolmentID] = p
			}
		}
	}
	if len(sessions) < 3 {
		t.Fatalf("%d jury sessions", len(sessions))
	}
	if _, err := svc.JurySession(ctx, sys, sessions[len(sessions)-1].ID); err != nil {
		t.Fatalf("the oldest session's page: %v", err)
	}
	if _, err := svc.JuryMinutes(ctx, sys, sessions[len(sessions)-1].ID); err != nil {
		t.Fatalf("the oldest session's minutes: %v", err)
	}
	if _, err := svc.SessionDocuments(ctx, sys, sessions[len(sessions)-1].ID); err != nil {
		t.Fatalf("the oldest session's documents: %v", err)
	}
	sizes := map[string]int{} // qualification code → blocks presented
	fws, err := q.LatestFrameworks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, fw := range fws {
		c := fw.Framework.Composition
		sizes[fw.Framework.Qualification.Code] = c.Common + c.Specialty + c.Optional
	}
	checked := 0
	for _, st := range []domain.EnrolmentStatus{domain.StatusCertified, domain.StatusPartial, domain.StatusNotCertified} {
		for offset := 0; ; offset += 500 {
			page, err := svc.Candidates(ctx, sys, store.CandidateFilter{Status: st, Limit: 500, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Rows {
				e := r.Enrolment
				p, ok := latest[e.ID]
				if !ok || p.Outcome != string(st) {
					t.Fatalf("%s is %s, its last jury gave %+v", r.Candidate.Number, st, p)
				}
				acquired, err := q.AcquiredBlocks(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				n, all := len(acquired), sizes[e.QualificationCode]
				if st == domain.StatusCertified && n != all || st == domain.StatusPartial && (n == 0 || n >= all) || st == domain.StatusNotCertified && n != 0 {
					t.Fatalf("%s is %s with %d blocks acquired of %d", r.Candidate.Number, st, n, all)
				}
				checked++
			}
			if len(page.Rows) < 500 {
				break
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("%d results checked", checked)
	}
}

// numbersIn returns the whole numbers written in s, in order.
func numbersIn(s string) []int {
	var out []int
	n, in := 0, false
	for _, r := range s + " " {
		if r >= '0' && r <= '9' {
			n, in = n*10+int(r-'0'), true
			continue
		}
		if in {
			out = append(out, n)
		}
		n, in = 0, false
	}
	return out
}

func TestSIRETsAreValid(t *testing.T) {
	seen := map[string]bool{}
	for n := range len(organisations) + len(companies) {
		s := siret(n)
		if msg := domain.CheckSIRET(s); msg != "" || seen[s] {
			t.Fatalf("siret(%d) = %s: %q (duplicate %v)", n, s, msg, seen[s])
		}
		if !luhnOK(s[:9]) {
			t.Fatalf("SIREN %s of siret(%d) fails the Luhn check", s[:9], n)
		}
		seen[s] = true
	}
}

// luhnOK is the Luhn check written independently of luhnComplete.
func luhnOK(s string) bool {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// Every demo person carries a fictitious NIR that passes the checks against their identity, so
// that the demo's awards can be declared to the Caisse des Dépôts.
func TestDemoPeopleCarryWellFormedNIRs(t *testing.T) {
	for _, c := range []domain.Candidate{
		{BirthName: "Lefèvre", FirstNames: "Éloïse", BirthDate: domain.NewDate(1998, 3, 14), Sex: domain.SexFemale, BirthINSEE: "75056"},
		{BirthName: "Santoni", FirstNames: "Paul", BirthDate: domain.NewDate(1987, 11, 2), Sex: domain.SexMale, BirthINSEE: "2A004"},
		{BirthName: "Payet", FirstNames: "Jade", BirthDate: domain.NewDate(2001, 7, 9), Sex: domain.SexFemale, BirthINSEE: "97411"},
		{BirthName: "Diallo", FirstNames: "Awa", BirthDate: domain.NewDate(1995, 1, 20), Sex: domain.SexFemale, BirthCountry: "Sénégal"},
	} {
		nir := FictitiousNIR(c)
		if msg := domain.NIRProblem(nir, c); msg != "" {
			t.Errorf("%s %s: %s refused: %s", c.FirstNames, c.BirthName, nir, msg)
		}
	}
}

// A million synthetic candidates (five on PostgreSQL) spread over enough years that no year
// passes its 99 999 numbers.
func TestSyntheticCandidatesSpreadOverEnoughYears(t *testing.T) {
	for _, n := range []int{1, 100_000, 800_000, 1_000_000, 5_000_000} {
		years := yearsFor(n)
		if years < syntheticYears || n/years > syntheticPerYear {
			t.Errorf("%d candidates over %d years: %d a year", n, years, n/years)
		}
	}
}
