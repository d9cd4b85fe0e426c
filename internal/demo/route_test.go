package demo

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// allRouteEnrolments lists the enrolments of the demo actions, every organisation's.
func allRouteEnrolments(t *testing.T, svc *service.Service, a domain.Actor) []string {
	t.Helper()
	page, err := svc.Actions(context.Background(), a, store.ActionFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, act := range page.Actions {
		rows, err := svc.ActionEnrolments(context.Background(), a, act.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, r.Enrolment.ID)
		}
	}
	return out
}

// Every accredited organisation's action has candidates at every step of the formation route,
// judged by the demo's jury sessions. It verifies a certificate and loads again: TestTheLoadedDemo
// runs it last.
func checkFormationRoute(t *testing.T, d loadedDemo) {
	ctx, svc, accounts := context.Background(), d.svc, d.accounts
	secretariat := actorOf(t, svc, SecretariatEmail)

	t.Run("every accredited organisation has one action with a candidate at every step of the route", func(t *testing.T) {
		for j := range accreditedOrganisations {
			of := actorOf(t, svc, email("of."+organisations[j].Slug))
			page, err := svc.Actions(ctx, of, store.ActionFilter{Limit: 10})
			if err != nil || len(page.Actions) != 1 {
				t.Fatalf("%s: actions %+v, %v", organisations[j].Slug, page, err)
			}
			rows, err := svc.ActionEnrolments(ctx, of, page.Actions[0].ID)
			if err != nil || len(rows) != len(routePeople[j]) {
				t.Fatalf("%s: %d candidates in the action, want %d (%v)", organisations[j].Slug, len(rows), len(routePeople[j]), err)
			}
			statuses := map[domain.EnrolmentStatus]int{}
			for _, r := range rows {
				statuses[r.Enrolment.Status]++
				if !r.Enrolment.Intake.Recorded() {
					t.Errorf("%s was enrolled without an interview", r.Candidate.DisplayName())
				}
			}
			for _, st := range []domain.EnrolmentStatus{domain.StatusEnrolled, domain.StatusInTraining, domain.StatusFinalEvaluation,
				domain.StatusAwaitingJury, domain.StatusCertified} {
				if statuses[st] == 0 {
					t.Errorf("%s: nobody is %s in the action (%v)", organisations[j].Slug, st, statuses)
				}
			}
			if statuses[domain.StatusAwaitingJury] != 2 {
				t.Errorf("%s: %d awaiting the jury, want 2", organisations[j].Slug, statuses[domain.StatusAwaitingJury])
			}
		}
	})

	of := actorOf(t, svc, "of.paris@demo.cqp.test")
	page, err := svc.Actions(ctx, of, store.ActionFilter{Limit: 10})
	if err != nil || len(page.Actions) != 1 {
		t.Fatalf("actions of Paris: %+v %v", page, err)
	}
	rows, err := svc.ActionEnrolments(ctx, of, page.Actions[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	// byStatus lists the enrolments of the Paris action with a status.
	byStatus := func(st domain.EnrolmentStatus) []string {
		var ids []string
		for _, r := range rows {
			if r.Enrolment.Status == st {
				ids = append(ids, r.Enrolment.ID)
			}
		}
		return ids
	}
	sys := domain.SystemActor("test") // grids are read by their evaluators only
	submitted := func(id string, ev domain.Evaluator) bool {
		g, err := svc.Grid(ctx, sys, id, ev)
		if err != nil {
			t.Fatal(err)
		}
		return g.Locked()
	}

	t.Run("in training: hours done and continuous marks, no grid yet", func(t *testing.T) {
		id := byStatus(domain.StatusInTraining)[0]
		marks, err := svc.ContinuousMarks(ctx, secretariat, id)
		if err != nil || len(marks) == 0 {
			t.Fatalf("continuous marks %v, %v", marks, err)
		}
		f, err := svc.Followup(ctx, secretariat, id)
		if err != nil {
			t.Fatal(err)
		}
		if f.Done == 0 || f.Done >= f.Planned {
			t.Fatalf("hours done %d of %d planned: want some, not all", f.Done, f.Planned)
		}
		if submitted(id, domain.EvaluatorTrainingOrganisation) {
			t.Fatal("a candidate in training has a submitted grid")
		}
	})

	t.Run("in final evaluation: the organisation's grid alone is submitted", func(t *testing.T) {
		id := byStatus(domain.StatusFinalEvaluation)[0]
		if !submitted(id, domain.EvaluatorTrainingOrganisation) || submitted(id, domain.EvaluatorCompanyReferent) || submitted(id, domain.EvaluatorCommission) {
			t.Fatal("want the organisation's grid submitted and the others not")
		}
	})

	t.Run("awaiting the jury: three grids, one candidate with a block in debate, orals before the commission", func(t *testing.T) {
		debates := 0
		for _, id := range byStatus(domain.StatusAwaitingJury) {
			for _, ev := range domain.Evaluators {
				if !submitted(id, ev) {
					t.Fatalf("grid %s of %s not submitted", ev, id)
				}
			}
			g, err := svc.Grid(ctx, sys, id, domain.EvaluatorCompanyReferent)
			if err != nil {
				t.Fatal(err)
			}
			if g.Blocks[0].VerdictLabel() == "non acquis" {
				debates++
			}
		}
		if debates != 1 {
			t.Fatalf("%d candidates awaiting the jury with the referent's block not acquired, want 1", debates)
		}
		commissions, err := svc.Commissions(ctx, secretariat)
		if err != nil || len(commissions) != 1 || len(commissions[0].Members) != 2 || commissions[0].Orals != 2*accreditedOrganisations+blocsAt(blocsFinalSubmitted) {
			t.Fatalf("commissions %+v, %v", commissions, err)
		}
		u, err := svc.UserByEmail(ctx, secretariat, email("commission1"))
		if err != nil {
			t.Fatal(err)
		}
		member := actorOf(t, svc, email("commission2")) // one login, not one per member
		for _, m := range commissions[0].Members {
			if m.UserID != u.ID && m.UserID != member.UserID {
				t.Errorf("commission member %s is not a demo commission member", m.Name)
			}
		}
	})

	t.Run("the actions' candidates are judged by the recent closed session, every juror present, its debates decided and its documents verifiable", func(t *testing.T) {
		all, err := svc.JurySessions(ctx, secretariat)
		if err != nil || len(all) != 3 || all[0].Status != store.JuryPlanned {
			t.Fatalf("%d sessions, want the next one, the recent one and the historical one: %v", len(all), err)
		}
		sessions := all[1:]
		for _, js := range sessions {
			if js.Status != store.JuryClosed {
				t.Fatalf("the session of %s is %s, want closed", js.StartsAt, js.Status)
			}
		}
		if want := clock.AddDate(0, 0, -recentSessionDaysAgo).Format("2006-01-02"); sessions[0].StartsAt.Format("2006-01-02") != want {
			t.Fatalf("the latest session is on %s, want %s", sessions[0].StartsAt, want)
		}
		v, err := svc.JurySession(ctx, secretariat, sessions[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Quorum.Present != 5 || !v.Quorum.Reached() || len(v.Candidates) != 2*accreditedOrganisations+blocsAt(blocsAttested) {
			t.Fatalf("quorum %+v, %d candidates", v.Quorum, len(v.Candidates))
		}
		decided := 0
		for _, c := range v.Candidates {
			for _, b := range c.Blocks {
				if b.InDebate && b.Reason != "" {
					decided++
				}
			}
		}
		if decided != accreditedOrganisations {
			t.Fatalf("%d debated blocks decided, want %d", decided, accreditedOrganisations)
		}
		docs, err := svc.Certificates(ctx, secretariat, store.CertificateFilter{SessionID: sessions[0].ID, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[store.CertificateKind]int{}
		holders := map[string]bool{} // enrolments: one certificate, or one attestation per acquired block
		for _, c := range docs.Items {
			kinds[c.Kind]++
			holders[c.EnrolmentID] = true
		}
		if kinds[store.KindCertificate] == 0 || kinds[store.KindAttestation] == 0 || len(holders) != len(v.Candidates) {
			t.Fatalf("documents issued: %v for %d candidates", kinds, len(v.Candidates))
		}
		if accounts.SampleVerificationCode == "" {
			t.Fatal("no sample verification code")
		}
		got, err := svc.VerifyCertificate(ctx, accounts.SampleVerificationCode, "192.0.2.7")
		if err != nil || got.Revoked || got.Kind != store.KindCertificate || got.HolderName == "" {
			t.Fatalf("verify %s: %+v, %v", accounts.SampleVerificationCode, got, err)
		}
		again, err := Load(ctx, svc)
		if err != nil || again.SampleVerificationCode != accounts.SampleVerificationCode {
			t.Fatalf("a second load gives the code %q, %v", again.SampleVerificationCode, err)
		}
	})

	sessions, err := svc.JurySessions(ctx, secretariat)
	if err != nil || len(sessions) != 3 {
		t.Fatalf("sessions %+v, %v", sessions, err)
	}
	next, recent := sessions[0], sessions[1]

	t.Run("the next session lists the candidates awaiting the jury, one held back by a missing internship", func(t *testing.T) {
		v, err := svc.JurySession(ctx, secretariat, next.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Members) != 5 || len(v.Candidates) != 0 {
			t.Fatalf("%d members invited, %d candidates", len(v.Members), len(v.Candidates))
		}
		route := allRouteEnrolments(t, svc, secretariat)
		var routeHeld []service.PresentableEntry
		for _, p := range v.HeldByGates() {
			for _, e := range route {
				if e == p.EnrolmentID {
					routeHeld = append(routeHeld, p)
				}
			}
		}
		if len(routeHeld) != 1 || len(routeHeld[0].Gates.Unmet()) != 1 || routeHeld[0].Gates.Unmet()[0].Kind != rules.GateInternship ||
			!strings.HasPrefix(routeHeld[0].Gates.Unmet()[0].Text, "Stage : 0 h sur ") {
			t.Fatalf("route candidates held back: %+v", routeHeld)
		}
	})

	t.Run("one candidate of the recent session was presented by derogation, which the minutes print", func(t *testing.T) {
		v, err := svc.JurySession(ctx, secretariat, recent.ID)
		if err != nil {
			t.Fatal(err)
		}
		var derogated []service.JuryCandidate
		for _, c := range v.Candidates {
			if len(c.Derogations) > 0 {
				derogated = append(derogated, c)
			}
		}
		if len(derogated) != 1 || derogated[0].Derogations[0].Reason != derogationReason ||
			!strings.HasPrefix(derogated[0].Derogations[0].Missing, "Stage : 80 h sur ") {
			t.Fatalf("candidates presented by derogation: %+v", derogated)
		}
		if _, err := svc.JuryMinutes(ctx, secretariat, recent.ID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("the demo jury is on the roster", func(t *testing.T) {
		r, err := svc.JuryRoster(ctx, secretariat)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(r.Members); n != 5 {
			t.Fatalf("%d members on the roster, want 5", n)
		}
		colleges := map[service.College]int{}
		for _, m := range r.Members {
			colleges[service.College(m.College)]++
		}
		if colleges[service.CollegeCPNEFPPresident] != 1 || colleges[service.CollegeUnions] != 2 {
			t.Fatalf("colleges %v", colleges)
		}
		if r.Settings.CSCAPresidentName != cscaPresident || r.Settings.JuryQuorum != 4 {
			t.Fatalf("settings %+v", r.Settings)
		}
	})
}
