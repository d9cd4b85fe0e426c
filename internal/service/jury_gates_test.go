package service_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/pdftext"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// TestGatesBeforeTheJury: an enrolment that misses the training hours or the internship its
// public owes is listed on the session with what it misses and is not presented, unless the
// secretariat records a reasoned derogation per gate; the derogation is audited, shown to the
// jury, frozen in the snapshot and printed in the minutes (DOMAIN.md §7 rule 5, issue 10 item 5).
func TestGatesBeforeTheJury(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		jw := newJuryWorld(t, st)
		svc := jw.Service
		sys := domain.SystemActor("test")

		// Candidate C, a job seeker of organisation A: 320 h of training of 600, no internship,
		// BC5's continuous mark 8/20 (so its competences are not marked).
		created, err := svc.CreateCandidate(ctx, sys, service.CandidateInput{
			Candidate: domain.Candidate{BirthName: "Nguyễn", FirstNames: "Bérénice", BirthDate: domain.NewDate(1990, 6, 2),
				Sex: domain.SexFemale, BirthINSEE: "69123", BirthCity: "Lyon"},
			Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
				TrainingOrganisationID: jw.OrgA, CompanyID: jw.CompanyA, Blocks: []string{"OPT1", "OPT2"}}})
		if err != nil {
			t.Fatal(err)
		}
		gated := created.Enrolments[0].ID
		for _, b := range created.Enrolments[0].Blocks {
			mark := "12"
			if b == "BC5" {
				mark = "8"
			}
			if _, err := svc.AddContinuousAssessment(ctx, sys, gated, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: mark}); err != nil {
				t.Fatal(err)
			}
		}
		a13 := strings.Repeat("A ", 13)
		submitJuryGrids(t, svc, gated, juryRows{domain.EvaluatorTrainingOrganisation: a13, domain.EvaluatorCompanyReferent: a13, domain.EvaluatorCommission: a13}, "")
		hours := map[string]service.BlockHoursInput{}
		for _, b := range created.Enrolments[0].Blocks {
			hours[b] = service.BlockHoursInput{Planned: "90", Done: "40"}
		}
		hours["BC1"] = service.BlockHoursInput{Planned: "90", Done: "80"}
		if err := svc.SetTrainingHours(ctx, sys, gated, hours); err != nil {
			t.Fatal(err)
		}
		for _, s := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
			if _, err := svc.SetEnrolmentStatus(ctx, sys, created.ID, gated, s, ""); err != nil {
				t.Fatal(err)
			}
		}
		id := jw.session(t, "10/12/2026", 4)
		const training, internship = "Heures de formation : 320 h sur 600 h dues", "Stage : 0 h sur 300 h dues"

		t.Run("the session lists a candidate missing a gate with what is missing, and the others as ready", func(t *testing.T) {
			v, err := svc.JurySession(ctx, jw.sec, id)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(v.Presentable, func(p service.PresentableEntry) bool { return p.EnrolmentID == gated })
			if i < 0 {
				t.Fatalf("C is not listed: %+v", v.Presentable)
			}
			g := v.Presentable[i].Gates
			var texts, low []string
			for _, u := range g.Unmet() {
				texts = append(texts, u.Text)
			}
			for _, l := range g.LowMarks {
				low = append(low, l.Text)
			}
			if !slices.Equal(texts, []string{training, internship}) || g.Presentable() ||
				!slices.Equal(low, []string{"BC5 : note 8/20 sous le minimum de 10/20, bloc non admis à l'évaluation finale"}) {
				t.Fatalf("C's gates: unmet %q, low marks %q", texts, low)
			}
			ready, held := v.ReadyToPresent(), v.HeldByGates()
			if len(held) != 1 || held[0].EnrolmentID != gated || len(ready) != 2 {
				t.Fatalf("ready %d, held %+v", len(ready), held)
			}
		})

		t.Run("presenting without a derogation is refused, naming the candidate and what is missing", func(t *testing.T) {
			_, err := svc.PresentJuryCandidates(ctx, jw.sec, id, []string{jw.enrolmentA, gated})
			msg := messageOf(err)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(msg, "Bérénice NGUYỄN") || !strings.Contains(msg, training) ||
				!strings.Contains(msg, internship) || !strings.Contains(msg, "dérogation") {
				t.Fatalf("got %v", err)
			}
			if v, _ := svc.JurySession(ctx, jw.sec, id); len(v.Candidates) != 0 {
				t.Fatalf("the refusal presented %d candidates", len(v.Candidates))
			}
		})

		t.Run("only the secretariat derogates, with a reason, to a derogable gate the candidate misses", func(t *testing.T) {
			for name, a := range map[string]domain.Actor{"president": jw.president, "member": jw.member, "organisation": jw.Actor(t, jw.Accounts[domain.RoleTrainingOrganisation])} {
				if _, err := svc.RecordJuryGateDerogation(ctx, a, gated, rules.GateInternship, "Motif"); domain.ErrorCode(err) != domain.EFORBIDDEN {
					t.Errorf("%s derogated: %v", name, err)
				}
			}
			if _, err := svc.RecordJuryGateDerogation(ctx, jw.sec, gated, rules.GateInternship, "  "); fieldOf(err, "reason") == "" {
				t.Errorf("a derogation without a reason: %v", err)
			}
			if _, err := svc.RecordJuryGateDerogation(ctx, jw.sec, gated, rules.GateContinuousMark, "Motif"); fieldOf(err, "gate") == "" {
				t.Errorf("a derogation to a missing mark: %v", err)
			}
			if _, err := svc.RecordJuryGateDerogation(ctx, jw.sec, gated, "stage", "Motif"); fieldOf(err, "gate") == "" {
				t.Errorf("a derogation to an unknown gate: %v", err)
			}
			_, err := svc.RecordJuryGateDerogation(ctx, jw.sec, jw.enrolmentA, rules.GateInternship, "Motif")
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "aucune dérogation n'est nécessaire") {
				t.Errorf("a derogation to a gate the candidate passes: %v", err)
			}
		})

		t.Run("with a derogation on one gate, presenting is still refused for the other", func(t *testing.T) {
			d, err := svc.RecordJuryGateDerogation(ctx, jw.sec, gated, rules.GateInternship, "Stage impossible : reconnaissance de handicap, aménagement validé par la branche")
			if err != nil || d.Missing != internship || d.By == "" {
				t.Fatalf("derogation %+v %v", d, err)
			}
			_, err = svc.PresentJuryCandidates(ctx, jw.sec, id, []string{gated})
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), training) || strings.Contains(messageOf(err), internship) {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("with a derogation on every gate it misses, the candidate is presented, and the derogations are audited", func(t *testing.T) {
			if _, err := svc.RecordJuryGateDerogation(ctx, jw.sec, gated, rules.GateTrainingHours, "Heures de formation antérieures reconnues par la branche"); err != nil {
				t.Fatal(err)
			}
			if n, err := svc.PresentJuryCandidates(ctx, jw.sec, id, []string{gated, jw.enrolmentA}); err != nil || n != 2 {
				t.Fatalf("presented %d: %v", n, err)
			}
			entries, _, err := svc.Audit(ctx, jw.sec, store.AuditFilter{Action: "jury.gate_derogation", CandidateID: created.ID})
			if err != nil || len(entries) != 2 {
				t.Fatalf("audit %+v %v", entries, err)
			}
			var reasons []string
			for _, e := range entries {
				reasons = append(reasons, e.Reason)
				if !strings.Contains(e.After, "Stage : 0 h sur 300 h dues") && !strings.Contains(e.After, training) {
					t.Errorf("the audit entry does not say what was missing: %s", e.After)
				}
			}
			if !slices.Contains(reasons, "Heures de formation antérieures reconnues par la branche") {
				t.Errorf("audited reasons %q", reasons)
			}
		})

		t.Run("the jury reads the derogations on the candidate's page", func(t *testing.T) {
			v, err := svc.JuryCandidate(ctx, jw.member, id, gated)
			if err != nil {
				t.Fatal(err)
			}
			ds := v.Candidate.Derogations
			if len(ds) != 2 || ds[0].Missing != training || ds[1].Missing != internship || ds[1].Reason == "" || ds[1].By == "" || ds[1].At.IsZero() {
				t.Fatalf("derogations %+v", ds)
			}
			if len(v.Candidate.UnmetGates) != 0 {
				t.Fatalf("unmet gates %v", v.Candidate.UnmetGates)
			}
		})

		t.Run("a gate that becomes unmet after presentation, without a derogation, keeps the session from closing", func(t *testing.T) {
			f, err := svc.Followup(ctx, jw.sec, jw.enrolmentA)
			if err != nil || len(f.Internships) != 1 {
				t.Fatalf("A's internships: %+v %v", f.Internships, err)
			}
			if err := svc.RemoveInternship(ctx, jw.sec, jw.enrolmentA, f.Internships[0].ID, "Saisi sur le mauvais candidat"); err != nil {
				t.Fatal(err)
			}
			v, err := svc.JurySession(ctx, jw.sec, id)
			if err != nil || !slices.ContainsFunc(v.Blocking, func(s string) bool {
				return strings.Contains(s, "Éloïse LEFÈVRE") && strings.Contains(s, internship) && strings.Contains(s, "dérogation")
			}) {
				t.Fatalf("blocking %q %v", v.Blocking, err)
			}
			jw.MeetJuryGates(t, jw.enrolmentA) // the internship is entered again (hours are set, not added)
		})

		t.Run("closing freezes the derogations in the snapshot and the minutes print them", func(t *testing.T) {
			if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, id); err != nil {
				t.Fatal(err)
			}
			for _, b := range []string{"BC2", "BC3", "BC4"} {
				jw.decide(t, id, jw.enrolmentA, b, "A")
			}
			snap, err := svc.CloseJurySession(ctx, jw.president, id)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := snap.Candidate(gated)
			bc5, _ := c.Block("BC5")
			if len(c.Derogations) != 2 || c.Derogations[1].Reason != "Stage impossible : reconnaissance de handicap, aménagement validé par la branche" ||
				bc5.Outcome != rules.OutcomeNotAdmitted || c.Outcome != rules.CandidatePartial {
				t.Fatalf("snapshot of C: derogations %+v, BC5 %s, outcome %s", c.Derogations, bc5.Outcome, c.Outcome)
			}
			if a, _ := snap.Candidate(jw.enrolmentA); len(a.Derogations) != 0 {
				t.Fatalf("A was presented without derogation: %+v", a.Derogations)
			}
			m, err := svc.JuryMinutes(ctx, jw.member, id)
			if err != nil {
				t.Fatal(err)
			}
			text := pdftext.Text(t, m.PDF)
			for _, want := range []string{"Dérogation aux conditions de présentation au jury", internship,
				"Stage impossible : reconnaissance de handicap, aménagement validé par la branche", training} {
				if !strings.Contains(text, want) {
					t.Errorf("the minutes lack %q", want)
				}
			}
			if t.Failed() {
				t.Logf("the minutes' text: %s", text)
			}
		})
	})
}
