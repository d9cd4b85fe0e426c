package service_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// juryRows are one grid per evaluator for C1–C15 of the Chargé de clientèle framework; the
// optional blocks' competences are always "A".
type juryRows map[domain.Evaluator]string

// guideJuryRows is the guide's example (DOMAIN.md §7): BC1 acquired, BC2–BC4 in debate, BC5 not
// acquired (the commission prevails).
var guideJuryRows = juryRows{
	domain.EvaluatorTrainingOrganisation: "A A A A A NA A A A A A A A A A",
	domain.EvaluatorCompanyReferent:      "A A A A A A NA NA NA NA NA NA NA A A",
	domain.EvaluatorCommission:           "A A A A A A A A A A A A A NA NA",
}

var allAcquiredRows = juryRows{
	domain.EvaluatorTrainingOrganisation: strings.Repeat("A ", 15),
	domain.EvaluatorCompanyReferent:      strings.Repeat("A ", 15),
	domain.EvaluatorCommission:           strings.Repeat("A ", 15),
}

func juryGridInput(row string, ev domain.Evaluator, correction string) service.GridInput {
	in := service.GridInput{Marks: map[string]string{"OPT1-C1": "A", "OPT2-C1": "A"}, CorrectionReason: correction}
	for i, v := range strings.Fields(row) {
		in.Marks[fmt.Sprintf("C%d", i+1)] = v
	}
	if ev == domain.EvaluatorCommission {
		in.ReasonedOpinion = "Candidate à l'aise avec la relation client ; argumentaire à consolider."
	}
	return in
}

// submitJuryGrids submits (or corrects, with a reason) every evaluator's grid for an enrolment.
func submitJuryGrids(t testing.TB, svc *service.Service, enrolmentID string, rows juryRows, correction string) {
	t.Helper()
	sys := domain.SystemActor("test")
	for _, ev := range domain.Evaluators {
		if _, err := svc.SubmitGrid(context.Background(), sys, enrolmentID, ev, juryGridInput(rows[ev], ev, correction)); err != nil {
			t.Fatalf("submit %s grid: %v", ev, err)
		}
	}
}

// readyForJury gives an enrolment its continuous marks, grids, and the hours and internship
// the gates before the jury ask, and moves it to "awaiting jury" along the path.
func readyForJury(t *testing.T, w *servicetest.World, candidateID string, rows juryRows) string {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	c, err := w.Service.Candidate(ctx, sys, candidateID)
	if err != nil {
		t.Fatal(err)
	}
	e := c.Enrolments[0]
	for _, b := range e.Blocks {
		if _, err := w.Service.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas",
			On: "20/11/2026", Mark: "12,5"}); err != nil {
			t.Fatal(err)
		}
	}
	submitJuryGrids(t, w.Service, e.ID, rows, "")
	w.MeetJuryGates(t, e.ID)
	for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		if _, err := w.Service.SetEnrolmentStatus(ctx, sys, candidateID, e.ID, st, ""); err != nil {
			t.Fatalf("move to %s: %v", st, err)
		}
	}
	return e.ID
}

// juryWorld is the fixture with a full roster: the fixture's jury member and president and
// four more members, and candidates A (the guide's example) and B (every block acquired)
// awaiting the jury.
type juryWorld struct {
	*servicetest.World
	sec, president, member domain.Actor
	jurors                 []string // user ids: president, member, then the four others
	enrolmentA, enrolmentB string
}

func newJuryWorld(t *testing.T, st *store.Store) *juryWorld {
	t.Helper()
	ctx := context.Background()
	w := servicetest.New(t, st)
	jw := &juryWorld{World: w, sec: w.Actor(t, w.Accounts[domain.RoleSecretariat]),
		president: w.Actor(t, w.Accounts[domain.RoleJuryPresident]), member: w.Actor(t, w.Accounts[domain.RoleJuryMember])}
	jw.jurors = []string{jw.president.UserID, jw.member.UserID}
	sys := domain.SystemActor("test")
	for i := range 4 {
		u, err := w.Service.CreateUser(ctx, sys, service.UserInput{Email: fmt.Sprintf("jure%d@cqp.test", i), Name: fmt.Sprintf("Juré n° %d", i),
			Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleJuryMember}}})
		if err != nil {
			t.Fatal(err)
		}
		jw.jurors = append(jw.jurors, u.ID)
	}
	colleges := []service.College{service.CollegeCPNEFPPresident, service.CollegeUnions, service.CollegeUnions,
		service.CollegeEmployers, service.CollegeEmployers, service.CollegeExperts}
	for i, id := range jw.jurors {
		if err := w.Service.SetJuryRosterMember(ctx, jw.sec, id, colleges[i]); err != nil {
			t.Fatal(err)
		}
	}
	jw.enrolmentA = readyForJury(t, w, w.CandidateA, guideJuryRows)
	jw.enrolmentB = readyForJury(t, w, w.CandidateB, allAcquiredRows)
	return jw
}

// session schedules a session, invites every juror, records the first `present` of them
// present, and presents the given enrolments.
func (jw *juryWorld) session(t *testing.T, date string, present int, enrolments ...string) string {
	t.Helper()
	ctx := context.Background()
	svc := jw.Service
	js, err := svc.ScheduleJurySession(ctx, jw.sec, service.JurySessionInput{Date: date, Time: "14:00", Place: "Paris, salle Turgot"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.InviteJuryMembers(ctx, jw.sec, js.ID, jw.jurors); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordJuryAttendance(ctx, jw.sec, js.ID, jw.jurors[:present]); err != nil {
		t.Fatal(err)
	}
	if len(enrolments) > 0 {
		if _, err := svc.PresentJuryCandidates(ctx, jw.sec, js.ID, enrolments); err != nil {
			t.Fatal(err)
		}
	}
	return js.ID
}

func (jw *juryWorld) decide(t *testing.T, sessionID, enrolmentID, block, decision string) {
	t.Helper()
	err := jw.Service.DecideJuryBlock(context.Background(), jw.sec, sessionID, enrolmentID,
		service.JuryDecisionInput{Block: block, Decision: decision, Reason: "Motif du jury pour " + block})
	if err != nil {
		t.Fatalf("decide %s: %v", block, err)
	}
}

func messageOf(err error) string { return domain.ErrorMessage(err) }

func acquiredCodes(t *testing.T, st *store.Store, enrolmentID string) map[string]string {
	t.Helper()
	bs, err := st.Read().AcquiredBlocks(context.Background(), enrolmentID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, b := range bs {
		out[b.BlockCode] = b.SessionID + " " + b.AcquiredOn.ISO()
	}
	return out
}

func enrolmentStatus(t *testing.T, jw *juryWorld, candidateID string) domain.EnrolmentStatus {
	t.Helper()
	c, err := jw.Service.Candidate(context.Background(), jw.sec, candidateID)
	if err != nil {
		t.Fatal(err)
	}
	return c.Enrolments[0].Status
}

func TestJuryQuorumAndRoster(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		jw := newJuryWorld(t, st)
		svc := jw.Service

		t.Run("the roster counts each college against its seats", func(t *testing.T) {
			r, err := svc.JuryRoster(ctx, jw.sec)
			if err != nil {
				t.Fatal(err)
			}
			got := map[service.College]string{}
			for _, c := range r.Colleges {
				got[c.College] = fmt.Sprintf("%d/%d", c.Count, c.Seats)
			}
			want := map[service.College]string{service.CollegeUnions: "2/5", service.CollegeEmployers: "2/5", service.CollegeExperts: "1/2",
				service.CollegeTrainingOrganisations: "0/1", service.CollegeCPNEFPPresident: "1/1"}
			if fmt.Sprint(got) != fmt.Sprint(want) || len(r.Members) != 6 || r.Settings.JuryQuorum != 4 {
				t.Fatalf("roster %v, %d members, quorum %d", got, len(r.Members), r.Settings.JuryQuorum)
			}
		})

		t.Run("only accounts with a jury role join the roster", func(t *testing.T) {
			err := svc.SetJuryRosterMember(ctx, jw.sec, jw.UserIDs[jw.Accounts[domain.RoleBranch]], service.CollegeUnions)
			if fieldOf(err, "user") == "" {
				t.Fatalf("got %v, want a refusal on the user field", err)
			}
			if err := svc.SetJuryRosterMember(ctx, jw.president, jw.jurors[2], service.CollegeUnions); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("the president managed the roster: %v", err)
			}
		})

		t.Run("deliberation is refused with 3 members present, saying how many are missing", func(t *testing.T) {
			id := jw.session(t, "10/12/2026", 3, jw.enrolmentA)
			_, err := svc.OpenJuryDeliberation(ctx, jw.sec, id)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "Quorum non atteint : 3 présents sur 4 requis, il manque 1 membre.") {
				t.Fatalf("got %v", err)
			}
			v, err := svc.JurySession(ctx, jw.member, id)
			if err != nil || v.Quorum.Reached() || v.Session.Status != store.JuryPlanned {
				t.Fatalf("session after the refusal: %+v %v", v.Session, err)
			}
			err = svc.DecideJuryBlock(ctx, jw.sec, id, jw.enrolmentA, service.JuryDecisionInput{Block: "BC2", Decision: "A", Reason: "Motif"})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("a decision before the deliberation opened: %v", err)
			}

			t.Run("and reached with 4", func(t *testing.T) {
				if _, err := svc.RecordJuryAttendance(ctx, jw.sec, id, jw.jurors[:4]); err != nil {
					t.Fatal(err)
				}
				qu, err := svc.OpenJuryDeliberation(ctx, jw.sec, id)
				if err != nil || !qu.Reached() || qu.Message() != "Quorum atteint : 4 présents sur 4 requis." {
					t.Fatalf("open: %+v %v", qu, err)
				}
			})

			t.Run("and decisions stop when attendance falls below the quorum", func(t *testing.T) {
				if _, err := svc.RecordJuryAttendance(ctx, jw.sec, id, jw.jurors[:2]); err != nil {
					t.Fatal(err)
				}
				err := svc.DecideJuryBlock(ctx, jw.sec, id, jw.enrolmentA, service.JuryDecisionInput{Block: "BC2", Decision: "A", Reason: "Motif"})
				if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "il manque 2 membres") {
					t.Fatalf("got %v", err)
				}
			})
		})

		t.Run("the quorum comes from the branch's settings when the session is scheduled", func(t *testing.T) {
			if _, err := svc.SaveJurySettings(ctx, jw.sec, service.JurySettingsInput{Quorum: "0"}); fieldOf(err, "quorum") == "" {
				t.Fatalf("quorum 0: %v", err)
			}
			if _, err := svc.SaveJurySettings(ctx, jw.sec, service.JurySettingsInput{Quorum: "5", JuryPresidentName: "Bruno  Président"}); err != nil {
				t.Fatal(err)
			}
			id := jw.session(t, "11/12/2026", 4)
			_, err := svc.OpenJuryDeliberation(ctx, jw.sec, id)
			if !strings.Contains(messageOf(err), "4 présents sur 5 requis, il manque 1 membre") {
				t.Fatalf("got %v", err)
			}
		})
	})
}

func TestJuryDeliberationAndClosing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		jw := newJuryWorld(t, st)
		svc := jw.Service
		id := jw.session(t, "10/12/2026", 4, jw.enrolmentB, jw.enrolmentA)
		if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, id); err != nil {
			t.Fatal(err)
		}

		t.Run("the session lists candidates with debates first, with the rules engine's explanations and what is in debate", func(t *testing.T) {
			v, err := svc.JurySession(ctx, jw.member, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Candidates) != 2 || v.Candidates[0].EnrolmentID != jw.enrolmentA || v.WithDebates() != 1 {
				t.Fatalf("candidates %+v", v.Candidates)
			}
			a := v.Candidates[0]
			if u := a.Undecided(); strings.Join(u, " ") != "BC2 BC3 BC4" || a.Outcome != rules.CandidatePending {
				t.Fatalf("undecided %v, outcome %s", u, a.Outcome)
			}
			bc2, _ := a.Block("BC2")
			if !strings.HasPrefix(bc2.Explanation, "BC2 en débat : la commission d'évaluation l'a jugé acquis") || bc2.ContinuousMark != "12,5" || len(bc2.Verdicts) != 3 ||
				bc2.Verdicts[0].Text != "non acquis : 5 compétences détaillées acquises sur 10, soit 50 % < 70 %" {
				t.Fatalf("BC2 %+v", bc2)
			}
			if len(a.Missing) != 0 || a.Grids[2].ReasonedOpinion == "" {
				t.Fatalf("missing %v, grids %+v", a.Missing, a.Grids)
			}
			if !slices.ContainsFunc(v.Blocking, func(s string) bool { return strings.Contains(s, "BC2, BC3, BC4 en débat sans décision du jury") }) {
				t.Fatalf("blocking %v", v.Blocking)
			}
		})

		t.Run("a decision without a reason is refused", func(t *testing.T) {
			err := svc.DecideJuryBlock(ctx, jw.sec, id, jw.enrolmentA, service.JuryDecisionInput{Block: "BC2", Decision: "A", Reason: "   "})
			if fieldOf(err, "reason") == "" {
				t.Fatalf("got %v", err)
			}
			err = svc.DecideJuryBlock(ctx, jw.sec, id, jw.enrolmentA, service.JuryDecisionInput{Block: "BC2", Decision: "peut-être", Reason: "Motif"})
			if fieldOf(err, "decision") == "" {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("a decision on a block that is not in debate is refused with the reason", func(t *testing.T) {
			for block, want := range map[string]string{
				"BC1": "acquis automatiquement",
				"BC5": "la commission d'évaluation ne l'a pas attribué et sa voix est prépondérante",
			} {
				err := svc.DecideJuryBlock(ctx, jw.sec, id, jw.enrolmentA, service.JuryDecisionInput{Block: block, Decision: "NA", Reason: "Motif"})
				if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), want) {
					t.Errorf("%s: got %v", block, err)
				}
			}
			err := svc.DecideJuryBlock(ctx, jw.sec, id, jw.enrolmentB, service.JuryDecisionInput{Block: "BC2", Decision: "NA", Reason: "Motif"})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("candidate B's automatic BC2: got %v", err)
			}
			err = svc.DecideJuryBlock(ctx, jw.sec, id, jw.enrolmentA, service.JuryDecisionInput{Block: "OPT3", Decision: "A", Reason: "Motif"})
			if fieldOf(err, "block") == "" {
				t.Errorf("a block the candidate does not present: got %v", err)
			}
		})

		t.Run("a jury member reads the session but does not decide", func(t *testing.T) {
			err := svc.DecideJuryBlock(ctx, jw.member, id, jw.enrolmentA, service.JuryDecisionInput{Block: "BC2", Decision: "A", Reason: "Motif"})
			if domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("closing with an undecided debate is refused, naming the candidate and the block", func(t *testing.T) {
			jw.decide(t, id, jw.enrolmentA, "BC2", "A")
			jw.decide(t, id, jw.enrolmentA, "BC4", "A")
			_, err := svc.CloseJurySession(ctx, jw.president, id)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "Éloïse LEFÈVRE") ||
				!strings.Contains(messageOf(err), "BC3 en débat sans décision du jury") {
				t.Fatalf("got %v", err)
			}
			if s := enrolmentStatus(t, jw, jw.CandidateA); s != domain.StatusAwaitingJury {
				t.Fatalf("the refused closing changed the status: %s", s)
			}
		})

		t.Run("only the president closes, and only when recorded present", func(t *testing.T) {
			jw.decide(t, id, jw.enrolmentA, "BC3", "A")
			// The jury changes its mind: the later decision replaces the earlier one.
			err := svc.DecideJuryBlock(ctx, jw.president, id, jw.enrolmentA, service.JuryDecisionInput{Block: "BC3", Decision: "NA",
				Reason: "Les cas pratiques n'ont pas convaincu", ReferentOpinion: "Le référent confirme des difficultés en entreprise"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.CloseJurySession(ctx, jw.sec, id); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("the secretariat closed: %v", err)
			}
			if _, err := svc.RecordJuryAttendance(ctx, jw.sec, id, jw.jurors[1:5]); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.CloseJurySession(ctx, jw.president, id); domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "présent") {
				t.Fatalf("an absent president closed: %v", err)
			}
			if _, err := svc.RecordJuryAttendance(ctx, jw.sec, id, jw.jurors[:4]); err != nil {
				t.Fatal(err)
			}
		})

		var snap service.JurySnapshot
		t.Run("closing writes outcomes, acquired blocks and statuses, and freezes the snapshot", func(t *testing.T) {
			var err error
			snap, err = svc.CloseJurySession(ctx, jw.president, id)
			if err != nil {
				t.Fatal(err)
			}
			if s := enrolmentStatus(t, jw, jw.CandidateA); s != domain.StatusPartial {
				t.Errorf("candidate A: %s, want partial", s)
			}
			if s := enrolmentStatus(t, jw, jw.CandidateB); s != domain.StatusCertified {
				t.Errorf("candidate B: %s, want certified", s)
			}
			got := acquiredCodes(t, st, jw.enrolmentA)
			want := map[string]string{}
			for _, b := range []string{"BC1", "BC2", "BC4", "OPT1", "OPT2"} {
				want[b] = id + " 2026-12-10"
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("acquired blocks of A: %v, want %v", got, want)
			}
			cands, err := st.Read().JuryCandidates(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			outcomes := map[string]string{}
			for _, c := range cands {
				outcomes[c.EnrolmentID] = c.Outcome
			}
			if outcomes[jw.enrolmentA] != "partial" || outcomes[jw.enrolmentB] != "certified" {
				t.Errorf("outcomes %v", outcomes)
			}
			a, ok := snap.Candidate(jw.enrolmentA)
			bc3, _ := a.Block("BC3")
			if !ok || snap.PresentCount != 4 || snap.Quorum != 4 || len(snap.Members) != 6 || bc3.Decision != rules.JuryNotAcquired ||
				bc3.Reason != "Les cas pratiques n'ont pas convaincu" || bc3.ReferentOpinion == "" || !strings.HasPrefix(bc3.Explanation, "BC3 non acquis par décision du jury") ||
				snap.Signatories.JuryPresident == "" || snap.Branch.Name == "" || a.Name != "Éloïse LEFÈVRE" {
				t.Fatalf("snapshot %+v", snap)
			}
			stored, err := st.Read().JurySession(ctx, id)
			if err != nil || stored.Status != store.JuryClosed || stored.ClosedAt == nil || !stored.ClosedAt.Equal(snap.ClosedAt) {
				t.Fatalf("stored session %+v %v", stored, err)
			}
			entries, _, err := svc.Audit(ctx, jw.sec, store.AuditFilter{Action: "jury.outcome", CandidateID: jw.CandidateA})
			if err != nil || len(entries) != 1 {
				t.Fatalf("audit of A's outcome: %+v %v", entries, err)
			}
		})

		t.Run("after closing nothing changes", func(t *testing.T) {
			before, err := st.Read().JurySession(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			err = svc.DecideJuryBlock(ctx, jw.sec, id, jw.enrolmentA, service.JuryDecisionInput{Block: "BC3", Decision: "A", Reason: "Revirement"})
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "La session est close") {
				t.Errorf("a decision on a closed session: %v", err)
			}
			if err := svc.RemoveJuryDecision(ctx, jw.sec, id, jw.enrolmentA, "BC3"); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("removing a decision of a closed session: %v", err)
			}
			if _, err := svc.CloseJurySession(ctx, jw.president, id); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("closing twice: %v", err)
			}
			if _, err := svc.RecordJuryAttendance(ctx, jw.sec, id, jw.jurors[:1]); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("attendance of a closed session: %v", err)
			}
			if err := svc.WithdrawJuryCandidate(ctx, jw.sec, id, jw.enrolmentB); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("withdrawal from a closed session: %v", err)
			}
			if _, err := svc.InviteJuryMembers(ctx, jw.sec, id, jw.jurors[:1]); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("invitation to a closed session: %v", err)
			}
			// A certified candidate's grids are frozen: a correction goes through a rectification.
			for _, ev := range domain.Evaluators {
				_, err := svc.SubmitGrid(ctx, domain.SystemActor("test"), jw.enrolmentB, ev, juryGridInput(guideJuryRows[ev], ev, "Erreur de saisie relevée après le jury"))
				if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "Le jury du 10/12/2026 a certifié ce candidat") ||
					!strings.Contains(messageOf(err), "session de rectification") {
					t.Fatalf("a %s grid corrected after the certification: %v", ev, err)
				}
			}
			after, err := st.Read().JurySession(ctx, id)
			if err != nil || after.Snapshot != before.Snapshot || after.Status != store.JuryClosed {
				t.Fatalf("the closed session changed")
			}
			v, err := svc.JurySession(ctx, jw.member, id)
			b, _ := v.Snapshot.Candidate(jw.enrolmentB)
			if err != nil || b.Outcome != rules.CandidateCertified || len(v.Blocking) != 0 {
				t.Fatalf("the closed session is not read from its snapshot: %+v %v", b.Outcome, err)
			}
		})

		t.Run("a later session keeps the blocks acquired earlier and judges only the open ones", func(t *testing.T) {
			// The commission's new grid would refuse BC1 now; BC3 and BC5 are awarded by all.
			later := juryRows{
				domain.EvaluatorTrainingOrganisation: strings.Repeat("A ", 15),
				domain.EvaluatorCompanyReferent:      strings.Repeat("A ", 15),
				domain.EvaluatorCommission:           "NA NA NA NA NA A A A A A A A A A A",
			}
			submitJuryGrids(t, svc, jw.enrolmentA, later, "Nouvel oral pour les blocs restant à acquérir")
			id2 := jw.session(t, "15/03/2027", 4, jw.enrolmentA)
			if s := enrolmentStatus(t, jw, jw.CandidateA); s != domain.StatusAwaitingJury {
				t.Fatalf("a partial candidate presented again: %s, want awaiting jury", s)
			}
			v, err := svc.JuryCandidate(ctx, jw.member, id2, jw.enrolmentA)
			if err != nil {
				t.Fatal(err)
			}
			bc1, _ := v.Candidate.Block("BC1")
			if !bc1.Prior || bc1.Outcome != rules.OutcomeAcquired || bc1.PriorSessionID != id || bc1.PriorOn != "2026-12-10" {
				t.Fatalf("BC1 in the later session: %+v", bc1)
			}
			if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, id2); err != nil {
				t.Fatal(err)
			}
			err = svc.DecideJuryBlock(ctx, jw.sec, id2, jw.enrolmentA, service.JuryDecisionInput{Block: "BC1", Decision: "NA", Reason: "Motif"})
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "session antérieure") {
				t.Fatalf("a decision on a prior block: %v", err)
			}
			snap2, err := svc.CloseJurySession(ctx, jw.president, id2)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := snap2.Candidate(jw.enrolmentA)
			if a.Outcome != rules.CandidateCertified || strings.Join(a.NewlyAcquired, " ") != "BC3 BC5" {
				t.Fatalf("later outcome %s, newly acquired %v", a.Outcome, a.NewlyAcquired)
			}
			got := acquiredCodes(t, st, jw.enrolmentA)
			if got["BC1"] != id+" 2026-12-10" || got["BC3"] != id2+" 2027-03-15" || got["BC5"] != id2+" 2027-03-15" || len(got) != 7 {
				t.Fatalf("acquired blocks %v", got)
			}
			if s := enrolmentStatus(t, jw, jw.CandidateA); s != domain.StatusCertified {
				t.Fatalf("status %s", s)
			}
		})
	})
}

func TestJuryPresentingWithdrawingAndRectifying(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		jw := newJuryWorld(t, st)
		svc := jw.Service

		t.Run("an enrolment sits in one open session at a time, and only once awaiting the jury or partial", func(t *testing.T) {
			id := jw.session(t, "10/12/2026", 0, jw.enrolmentA)
			other := jw.session(t, "11/12/2026", 0)
			_, err := svc.PresentJuryCandidates(ctx, jw.sec, other, []string{jw.enrolmentA})
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "déjà présenté à la session du 10/12/2026 à 14:00") {
				t.Fatalf("got %v", err)
			}
			if err := svc.WithdrawJuryCandidate(ctx, jw.sec, id, jw.enrolmentA); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.PresentJuryCandidates(ctx, jw.sec, other, []string{jw.enrolmentA}); err != nil {
				t.Fatal(err)
			}
			c, _ := svc.Candidate(ctx, jw.sec, jw.CandidateB)
			if _, err := svc.SetEnrolmentStatus(ctx, domain.SystemActor("test"), jw.CandidateB, c.Enrolments[0].ID, domain.StatusWithdrawn, "Abandon"); err != nil {
				t.Fatal(err)
			}
			_, err = svc.PresentJuryCandidates(ctx, jw.sec, other, []string{jw.enrolmentB})
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), "Abandon") {
				t.Fatalf("a withdrawn enrolment presented: %v", err)
			}
			if err := svc.WithdrawJuryCandidate(ctx, jw.sec, other, jw.enrolmentA); err != nil {
				t.Fatal(err)
			}
		})

		id := jw.session(t, "12/12/2026", 4, jw.enrolmentA)
		if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, id); err != nil {
			t.Fatal(err)
		}
		for _, b := range []string{"BC2", "BC3", "BC4"} {
			jw.decide(t, id, jw.enrolmentA, b, "A")
		}
		if _, err := svc.CloseJurySession(ctx, jw.president, id); err != nil {
			t.Fatal(err)
		}

		t.Run("a partial candidate withdrawn from a later session goes back to partial", func(t *testing.T) {
			later := jw.session(t, "15/03/2027", 0, jw.enrolmentA)
			if s := enrolmentStatus(t, jw, jw.CandidateA); s != domain.StatusAwaitingJury {
				t.Fatalf("presented: %s", s)
			}
			if err := svc.WithdrawJuryCandidate(ctx, jw.sec, later, jw.enrolmentA); err != nil {
				t.Fatal(err)
			}
			if s := enrolmentStatus(t, jw, jw.CandidateA); s != domain.StatusPartial {
				t.Fatalf("withdrawn: %s", s)
			}
		})

		t.Run("a closed session is corrected by a rectification session that re-examines its candidates", func(t *testing.T) {
			in := service.RectificationInput{JurySessionInput: service.JurySessionInput{Date: "20/12/2026", Time: "10:00", VideoLink: "https://visio.example.fr/jury"}}
			if _, err := svc.RectifyJurySession(ctx, jw.sec, id, in); fieldOf(err, "reason") == "" {
				t.Fatalf("a rectification without a reason: %v", err)
			}
			in.Reason = "BC3 décidé acquis par erreur de saisie : le jury l'avait déclaré non acquis"
			r, err := svc.RectifyJurySession(ctx, jw.sec, id, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.RectifyJurySession(ctx, jw.sec, id, in); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("rectified twice: %v", err)
			}
			if s := enrolmentStatus(t, jw, jw.CandidateA); s != domain.StatusAwaitingJury {
				t.Fatalf("status under rectification: %s", s)
			}
			// Under rectification, the grids the corrected session read are corrected with a
			// reason, the blocks it gave included: it is a correction, not a retake.
			sys := domain.SystemActor("test")
			g, err := svc.Grid(ctx, sys, jw.enrolmentA, domain.EvaluatorCommission)
			if err != nil || g.RetakeOpen || g.Frozen != "" {
				t.Fatalf("the commission's grid under rectification: retake %v, frozen %q, %v", g.RetakeOpen, g.Frozen, err)
			}
			again := service.GridInput{Marks: map[string]string{}, ReasonedOpinion: g.Current.ReasonedOpinion}
			for code, m := range g.Current.Marks {
				again.Marks[code] = m.Mark
			}
			if _, err := svc.SubmitGrid(ctx, sys, jw.enrolmentA, domain.EvaluatorCommission, again); fieldOf(err, "correction_reason") == "" {
				t.Fatalf("a grid corrected under rectification without a reason: %v", err)
			}
			again.CorrectionReason = in.Reason
			if _, err := svc.SubmitGrid(ctx, sys, jw.enrolmentA, domain.EvaluatorCommission, again); err != nil {
				t.Fatalf("a grid corrected under rectification: %v", err)
			}
			if err := svc.WithdrawJuryCandidate(ctx, jw.sec, r.ID, jw.enrolmentA); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("withdrawn from a rectification: %v", err)
			}
			if _, err := svc.InviteJuryMembers(ctx, jw.sec, r.ID, jw.jurors); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.RecordJuryAttendance(ctx, jw.sec, r.ID, jw.jurors[:4]); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, r.ID); err != nil {
				t.Fatal(err)
			}
			v, err := svc.JuryCandidate(ctx, jw.sec, r.ID, jw.enrolmentA)
			if err != nil {
				t.Fatal(err)
			}
			if bc3, _ := v.Candidate.Block("BC3"); bc3.Prior || !bc3.InDebate {
				t.Fatalf("BC3 under rectification is still held by the corrected session: %+v", bc3)
			}
			jw.decide(t, r.ID, jw.enrolmentA, "BC2", "A")
			jw.decide(t, r.ID, jw.enrolmentA, "BC3", "NA")
			jw.decide(t, r.ID, jw.enrolmentA, "BC4", "A")
			snap, err := svc.CloseJurySession(ctx, jw.president, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if snap.Rectifies == nil || snap.Rectifies.SessionID != id || snap.Rectifies.Reason != in.Reason {
				t.Fatalf("rectification in the snapshot: %+v", snap.Rectifies)
			}
			got := acquiredCodes(t, st, jw.enrolmentA)
			if _, ok := got["BC3"]; ok || got["BC1"] != r.ID+" 2026-12-20" || len(got) != 5 {
				t.Fatalf("acquired blocks after the rectification: %v", got)
			}
			orig, err := st.Read().JurySession(ctx, id)
			if err != nil || orig.Status != store.JuryClosed {
				t.Fatal(err)
			}
			first, _ := service.ParseJurySnapshot(orig.Snapshot)
			if a, _ := first.Candidate(jw.enrolmentA); a.Outcome != rules.CandidatePartial || !slices.Contains(a.NewlyAcquired, "BC3") {
				t.Fatalf("the corrected session's record changed: %s %v", a.Outcome, a.NewlyAcquired)
			}
			entries, _, err := svc.Audit(ctx, jw.sec, store.AuditFilter{Action: "jury.rectify"})
			if err != nil || len(entries) != 1 || entries[0].Reason != in.Reason {
				t.Fatalf("rectification audit: %+v %v", entries, err)
			}
		})
	})
}

// TestJuryMembersActOnlyInTheirSessions: a jury member or president reads only the sessions
// they are invited to (another session is "not found", as any record outside one's scope),
// and a president decides and closes only where invited and recorded present; the secretariat
// reads every session and captures decisions as the jury speaks them.
func TestJuryMembersActOnlyInTheirSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		jw := newJuryWorld(t, st)
		svc := jw.Service
		branch := jw.Actor(t, jw.Accounts[domain.RoleBranch])
		// Theirs: every juror invited, the president absent (jurors 1 to 4 present).
		theirs := jw.session(t, "10/12/2026", 0, jw.enrolmentA)
		if _, err := svc.RecordJuryAttendance(ctx, jw.sec, theirs, jw.jurors[1:5]); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, theirs); err != nil {
			t.Fatal(err)
		}
		// Another: only the four other jurors, invited and present, deliberating on B.
		js, err := svc.ScheduleJurySession(ctx, jw.sec, service.JurySessionInput{Date: "11/12/2026", Time: "09:00", Place: "Lyon"})
		if err != nil {
			t.Fatal(err)
		}
		other := js.ID
		if _, err := svc.InviteJuryMembers(ctx, jw.sec, other, jw.jurors[2:]); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordJuryAttendance(ctx, jw.sec, other, jw.jurors[2:]); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.PresentJuryCandidates(ctx, jw.sec, other, []string{jw.enrolmentB}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, other); err != nil {
			t.Fatal(err)
		}
		ids := func(a domain.Actor) []string {
			t.Helper()
			ss, err := svc.JurySessions(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range ss {
				out = append(out, s.ID)
			}
			slices.Sort(out)
			return out
		}
		both := []string{theirs, other}
		slices.Sort(both)

		t.Run("a jury member and a president list only the sessions they are invited to", func(t *testing.T) {
			for name, a := range map[string]domain.Actor{"member": jw.member, "president": jw.president} {
				if got := ids(a); !slices.Equal(got, []string{theirs}) {
					t.Errorf("%s lists %v, want only %s", name, got, theirs)
				}
			}
		})

		t.Run("the secretariat and the branch list every session", func(t *testing.T) {
			for name, a := range map[string]domain.Actor{"secretariat": jw.sec, "branch": branch} {
				if got := ids(a); !slices.Equal(got, both) {
					t.Errorf("%s lists %v, want %v", name, got, both)
				}
			}
		})

		t.Run("another session, its candidates and its minutes are not found for a jury member", func(t *testing.T) {
			for name, a := range map[string]domain.Actor{"member": jw.member, "president": jw.president} {
				if _, err := svc.JurySession(ctx, a, other); domain.ErrorCode(err) != domain.ENOTFOUND {
					t.Errorf("%s read the other session: %v", name, err)
				}
				if _, err := svc.JuryCandidate(ctx, a, other, jw.enrolmentB); domain.ErrorCode(err) != domain.ENOTFOUND {
					t.Errorf("%s read a candidate of the other session: %v", name, err)
				}
				if _, err := svc.JuryMinutes(ctx, a, other); domain.ErrorCode(err) != domain.ENOTFOUND {
					t.Errorf("%s reached the minutes of the other session: %v", name, err)
				}
				if _, err := svc.JurySession(ctx, a, theirs); err != nil {
					t.Errorf("%s cannot read their own session: %v", name, err)
				}
			}
			if _, err := svc.JurySession(ctx, branch, other); err != nil {
				t.Errorf("the branch cannot read the session: %v", err)
			}
		})

		t.Run("the dashboard counts only the sessions a jury member is invited to", func(t *testing.T) {
			cards, err := svc.Dashboard(ctx, jw.member)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cards {
				if c.Label == "Sessions de jury à tenir" && c.Count != 1 {
					t.Errorf("the member's dashboard counts %d sessions, want 1", c.Count)
				}
			}
		})

		decision := service.JuryDecisionInput{Block: "BC2", Decision: "A", Reason: "Motif"}
		t.Run("a president not invited decides, removes and closes nothing: the session is not found", func(t *testing.T) {
			if err := svc.DecideJuryBlock(ctx, jw.president, other, jw.enrolmentB, decision); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("decision: %v", err)
			}
			if err := svc.RemoveJuryDecision(ctx, jw.president, other, jw.enrolmentB, "BC2"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("removal: %v", err)
			}
			if _, err := svc.CloseJurySession(ctx, jw.president, other); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("closing: %v", err)
			}
		})

		t.Run("a president invited but not recorded present decides, removes and closes nothing, and is told why", func(t *testing.T) {
			jw.decide(t, theirs, jw.enrolmentA, "BC3", "A") // the secretariat captures it, uninvited
			v, err := svc.JurySession(ctx, jw.president, theirs)
			if err != nil || v.MayDecide || v.MayClose || !strings.Contains(v.NotPresent, "pas enregistré comme présent") {
				t.Fatalf("the absent president's view: may decide %v, may close %v, %q, %v", v.MayDecide, v.MayClose, v.NotPresent, err)
			}
			const want = "Vous n'êtes pas enregistré comme présent à cette session"
			err = svc.DecideJuryBlock(ctx, jw.president, theirs, jw.enrolmentA, decision)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), want) {
				t.Errorf("decision: %v", err)
			}
			err = svc.RemoveJuryDecision(ctx, jw.president, theirs, jw.enrolmentA, "BC3")
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), want) {
				t.Errorf("removal: %v", err)
			}
			_, err = svc.CloseJurySession(ctx, jw.president, theirs)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(messageOf(err), want) {
				t.Errorf("closing: %v", err)
			}
		})

		t.Run("once recorded present, the president decides and removes decisions", func(t *testing.T) {
			if _, err := svc.RecordJuryAttendance(ctx, jw.sec, theirs, jw.jurors[:5]); err != nil {
				t.Fatal(err)
			}
			v, err := svc.JurySession(ctx, jw.president, theirs)
			if err != nil || !v.MayDecide || !v.MayClose || v.NotPresent != "" {
				t.Fatalf("the present president's view: %v %v %q %v", v.MayDecide, v.MayClose, v.NotPresent, err)
			}
			if err := svc.DecideJuryBlock(ctx, jw.president, theirs, jw.enrolmentA, decision); err != nil {
				t.Fatal(err)
			}
			if err := svc.RemoveJuryDecision(ctx, jw.president, theirs, jw.enrolmentA, "BC3"); err != nil {
				t.Fatal(err)
			}
			if v, err := svc.JurySession(ctx, jw.member, theirs); err != nil || v.MayDecide || v.MayClose {
				t.Fatalf("a jury member's view lets them decide or close: %v %v %v", v.MayDecide, v.MayClose, err)
			}
			if v, err := svc.JurySession(ctx, jw.sec, other); err != nil || !v.MayDecide || v.MayClose {
				t.Fatalf("the secretariat's view: may decide %v, may close %v, %v", v.MayDecide, v.MayClose, err)
			}
		})
	})
}
