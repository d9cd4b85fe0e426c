package demo

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// blocsAt counts the demo's blocs route people at a step.
func blocsAt(st blocsStep) int {
	n := 0
	for _, p := range blocsPeople {
		if p.Step == st {
			n++
		}
	}
	return n
}

// Issue 11: the demo has candidates at every step of the blocs route, each brought there by
// the use cases (DOMAIN.md §5 « blocs »).
func checkBlocsRoute(t *testing.T, d loadedDemo) {
	ctx, s, svc := context.Background(), d.s, d.svc
	secretariat := actorOf(t, svc, SecretariatEmail)
	sys := domain.SystemActor("test") // grids are read by their evaluators only
	q := s.Read()
	sessions, err := svc.JurySessions(ctx, secretariat) // next, recent, historical
	if err != nil || len(sessions) != 3 {
		t.Fatalf("sessions %d, %v", len(sessions), err)
	}
	recent, historical := sessions[1].ID, sessions[2].ID
	seen := map[blocsStep]bool{}

	for _, p := range blocsPeople {
		page, err := svc.Candidates(ctx, secretariat, store.CandidateFilter{Search: p.Person.BirthName})
		if err != nil || page.Total == 0 {
			t.Fatalf("find %s: %v", p.Person.BirthName, err)
		}
		c, err := svc.Candidate(ctx, secretariat, page.Rows[0].Candidate.ID)
		if err != nil {
			t.Fatal(err)
		}
		name := c.DisplayName()
		seen[p.Step] = true
		wantEnrolments := 1
		if p.finalStage() {
			wantEnrolments = 2
		}
		if len(c.Enrolments) != wantEnrolments {
			t.Fatalf("%s has %d enrolments, want %d", name, len(c.Enrolments), wantEnrolments)
		}
		e := c.Enrolments[0]
		if e.Route != domain.RouteBlocs || e.CompanyName != companies[p.Company].Name ||
			e.TrainingOrganisationName != organisations[p.Organisation].Name || e.ReferentUserID == "" ||
			e.QualificationCode != blocsQualification {
			t.Fatalf("%s's block stage: %+v", name, e)
		}
		// Every block a choice: never a whole composition.
		if len(e.Blocks) == 0 || len(e.Blocks) >= 7 {
			t.Fatalf("%s chose %v", name, e.Blocks)
		}
		submitted := func(ev domain.Evaluator) service.GridView {
			g, err := svc.Grid(ctx, sys, e.ID, ev)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		presented, err := q.JurySessionsOfEnrolment(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		acquired, err := q.AcquiredBlocks(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}

		switch p.Step {
		case blocsEnrolled:
			if e.Status != domain.StatusEnrolled || len(e.Blocks) != 1 {
				t.Errorf("%s: %s with blocks %v, want enrolled on one block", name, e.Status, e.Blocks)
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "enrolment.blocs", EntityID: e.ID})
			if err != nil || len(entries) != 1 || !strings.Contains(entries[0].After, `"by":"company"`) {
				t.Errorf("%s was not enrolled by the company: %+v %v", name, entries, err)
			}
		case blocsInTraining:
			marks, err := svc.ContinuousMarks(ctx, secretariat, e.ID)
			if err != nil || e.Status != domain.StatusInTraining || len(e.Blocks) != 2 || len(marks) != 2 {
				t.Errorf("%s: %s, blocks %v, marks %v (%v), want in training on two marked blocks", name, e.Status, e.Blocks, marks, err)
			}
			f, err := svc.Followup(ctx, secretariat, e.ID)
			if err != nil || f.Done == 0 || f.Done >= f.Planned {
				t.Errorf("%s: %d h done of %d planned, want some (%v)", name, f.Done, f.Planned, err)
			}
			if submitted(domain.EvaluatorTrainingOrganisation).Locked() {
				t.Errorf("%s is in training with a grid submitted", name)
			}
		case blocsAwaiting:
			if e.Status != domain.StatusAwaitingJury || len(presented) != 0 {
				t.Fatalf("%s: %s, presented to %d sessions, want awaiting the jury", name, e.Status, len(presented))
			}
			of, ref := submitted(domain.EvaluatorTrainingOrganisation), submitted(domain.EvaluatorCompanyReferent)
			if !of.Locked() || !ref.Locked() || ref.Current.LineManager == "" {
				t.Fatalf("%s: the organisation's and the referent's grids are not both submitted with the line manager", name)
			}
			tests := map[string]int{}
			for _, bt := range of.Current.BlockTests {
				tests[bt.BlockCode]++
			}
			for _, b := range e.Blocks {
				if tests[b] != 2 {
					t.Errorf("%s: block %s has %d final tests, want a written and an oral", name, b, tests[b])
				}
			}
			if slices.Contains(rules.RouteEvaluators(domain.RouteBlocs), domain.EvaluatorCommission) {
				t.Error("the blocs route's block stage has a commission grid")
			}
		case blocsAttested, blocsFinalOpen, blocsFinalSubmitted:
			session := historical
			if p.Step == blocsAttested {
				session = recent
			}
			if e.Status != domain.StatusPartial || len(presented) != 1 || presented[0].ID != session || len(acquired) != len(e.Blocks) {
				t.Fatalf("%s: %s, %d sessions, %d of %d blocks acquired, want partial with every chosen block from the %s session",
					name, e.Status, len(presented), len(acquired), len(e.Blocks), map[bool]string{true: "recent", false: "historical"}[session == recent])
			}
			docs, err := svc.Certificates(ctx, secretariat, store.CertificateFilter{CandidateID: c.ID, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			var attested []string
			for _, d := range docs.Items {
				if d.Kind != store.KindAttestation || d.EnrolmentID != e.ID {
					t.Errorf("%s holds a %s of another enrolment", name, d.Kind.ShortLabel())
				}
				attested = append(attested, d.BlockCode)
			}
			slices.Sort(attested)
			want := slices.Clone(e.Blocks)
			slices.Sort(want)
			if !slices.Equal(attested, want) {
				t.Errorf("%s holds attestations of %v, want one per block %v", name, attested, want)
			}
		}
		if !p.finalStage() {
			continue
		}

		final := c.Enrolments[1]
		if final.Route != domain.RouteVAE || final.Stage != domain.StageBlocsFinal || final.QualificationCode != blocsQualification {
			t.Fatalf("%s's final stage: %+v", name, final)
		}
		v, err := svc.VAE(ctx, secretariat, final.ID)
		if err != nil {
			t.Fatal(err)
		}
		open := v.OpenBlocks()
		if v.File.Status != domain.VAEAdmissible || len(open) == 0 || len(open)+len(e.Blocks) != len(final.Blocks) {
			t.Fatalf("%s's final stage file: %s, %d blocks by experience, %d held, %d presented", name, v.File.Status, len(open), len(e.Blocks), len(final.Blocks))
		}
		for _, b := range e.Blocks {
			if !v.Acquired[b] {
				t.Errorf("%s's final stage does not hold %s", name, b)
			}
		}
		orals, err := q.ListOrals(ctx, store.OralFilter{EnrolmentID: final.ID})
		if err != nil {
			t.Fatal(err)
		}
		switch p.Step {
		case blocsFinalOpen:
			if final.Status != domain.StatusEnrolled || v.File.ExperienceStatus != domain.ExperienceOpen ||
				len(v.Experience) == 0 || len(v.ExperienceMissing) == 0 || len(orals) != 0 {
				t.Errorf("%s: %s, experience %s with %d narratives, missing %v, %d orals: want an experience file being written",
					name, final.Status, v.File.ExperienceStatus, len(v.Experience), v.ExperienceMissing, len(orals))
			}
		case blocsFinalSubmitted:
			if final.Status != domain.StatusFinalEvaluation || v.File.ExperienceStatus != domain.ExperienceSubmitted ||
				len(v.Evidence) == 0 || len(orals) != 1 || !orals[0].StartsAt.After(clock) {
				t.Errorf("%s: %s, experience %s, %d evidence, %d orals: want a submitted file and the commission's oral ahead",
					name, final.Status, v.File.ExperienceStatus, len(v.Evidence), len(orals))
			}
		}
	}
	for _, st := range []blocsStep{blocsEnrolled, blocsInTraining, blocsAwaiting, blocsAttested, blocsFinalOpen, blocsFinalSubmitted} {
		if !seen[st] {
			t.Errorf("nobody at step %d of the blocs route", st)
		}
	}
}
