package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// drawWorld is a fresh fixture with its subject bank, for one rule of the draw.
type drawWorld struct {
	*servicetest.World
	ctx       context.Context
	sec       domain.Actor
	ofA, ofB  domain.Actor
	companyA  domain.Actor
	presented []domain.Block
	other     domain.Block
}

func newDrawWorld(t *testing.T) drawWorld {
	t.Helper()
	w := servicetest.New(t, storetest.Open(t, storetest.Targets(t)[0]))
	w.Subjects(t)
	dw := drawWorld{World: w, ctx: context.Background(), sec: w.Actor(t, w.Accounts[domain.RoleSecretariat]),
		ofA: w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), ofB: w.Actor(t, w.OrgBAccount),
		companyA: w.Actor(t, w.Accounts[domain.RoleCompany])}
	dw.presented, dw.other = w.EnrolmentBlocks(t)
	return dw
}

// schedule schedules an oral for candidate A on the day (JJ/MM/AAAA) at the time.
func (dw drawWorld) schedule(t *testing.T, day, at string) service.ScheduledOral {
	t.Helper()
	got, err := dw.Service.ScheduleOral(dw.ctx, dw.sec, service.OralInput{CommissionID: dw.CommissionID, EnrolmentID: dw.EnrolmentA,
		Date: day, Time: at, Duration: "60", Place: "Paris, salle Colbert"})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func outcome(t *testing.T, got service.ScheduledOral, kind domain.SubjectKind) service.SubjectDrawOutcome {
	t.Helper()
	for _, o := range got.Subjects {
		if o.Kind == kind {
			return o
		}
	}
	t.Fatalf("no outcome for %s in %+v", kind, got.Subjects)
	return service.SubjectDrawOutcome{}
}

func drawnID(t *testing.T, got service.ScheduledOral, kind domain.SubjectKind) string {
	t.Helper()
	o := outcome(t, got, kind)
	if o.Draw == nil {
		t.Fatalf("no %s drawn: %s", kind, o.Missing)
	}
	return o.Draw.SubjectID
}

func missing(t *testing.T, got service.ScheduledOral, kind domain.SubjectKind, why string) {
	t.Helper()
	o := outcome(t, got, kind)
	if o.Draw != nil || !strings.Contains(o.Missing, why) {
		t.Fatalf("%s: drew %+v, missing %q, want a reason containing %q", kind, o.Draw, o.Missing, why)
	}
}

func TestTheDrawLeavesOutTheCandidatesOwnTrainingOrganisation(t *testing.T) {
	dw := newDrawWorld(t)
	b := dw.presented[0]
	dw.AcceptSubject(t, dw.ofA, domain.SubjectPracticalCase, "Cas de l'organisme A", b, 3)
	dw.AcceptSubject(t, dw.ofA, domain.SubjectPracticalCase, "Autre cas de l'organisme A", b, 3)
	fromB := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas de l'organisme B", b, 3)
	var offered []int
	dw.Service.SetSubjectPicker(func(n int) int { offered = append(offered, n); return n - 1 })
	got := dw.schedule(t, "02/12/2026", "10:00")
	if id := drawnID(t, got, domain.SubjectPracticalCase); id != fromB {
		t.Fatalf("drew %s, want organisation B's case %s", id, fromB)
	}
	if len(offered) != 1 || offered[0] != 1 {
		t.Fatalf("the random source was offered %v, want organisation B's case alone", offered)
	}
	// Only organisation A wrote a knowledge question: none for its candidate.
	dw.AcceptSubject(t, dw.ofA, domain.SubjectKnowledgeQuestion, "Question de l'organisme A", b, 3)
	again := dw.schedule(t, "03/12/2026", "10:00")
	missing(t, again, domain.SubjectKnowledgeQuestion, "1 a été proposé par l'organisme de formation ou l'entreprise du candidat")
}

func TestTheDrawLeavesOutTheCandidatesOwnCompany(t *testing.T) {
	dw := newDrawWorld(t)
	// The fixture's bank holds company A's accepted practical case, on the first block.
	dw.AcceptSubject(t, dw.companyA, domain.SubjectPracticalCase, "Cas de l'entreprise A", dw.presented[0], 3)
	got := dw.schedule(t, "02/12/2026", "10:00")
	missing(t, got, domain.SubjectPracticalCase, "sur 2 sujets valides du CQP « Chargé de clientèle », 2 ont été proposés par l'organisme de formation ou l'entreprise du candidat")
	if len(got.Oral.ID) == 0 {
		t.Fatal("the oral was not scheduled")
	}
}

func TestTheDrawNeverGivesASubjectTheCandidateMetBefore(t *testing.T) {
	dw := newDrawWorld(t)
	only := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Seul cas", dw.presented[0], 3)
	first := dw.schedule(t, "02/12/2026", "10:00")
	if drawnID(t, first, domain.SubjectPracticalCase) != only {
		t.Fatalf("first oral: %+v", first.Subjects)
	}
	// A retake, later: the subject met is out, even once the first oral is over.
	retake := dw.schedule(t, "15/01/2027", "10:00")
	missing(t, retake, domain.SubjectPracticalCase, "1 a déjà été rencontré par le candidat lors d'un oral précédent")
	// Retired after the draw: the secretariat is told to draw another.
	sec := dw.sec
	if err := dw.Service.RetireSubject(dw.ctx, sec, only, "Réglementation modifiée"); err != nil {
		t.Fatal(err)
	}
	v, err := dw.Service.OralSubjects(dw.ctx, sec, first.Oral.ID)
	if err != nil || len(v.Subjects) != 1 || !strings.Contains(v.Subjects[0].Stale, "n'est plus valide") {
		t.Fatalf("a retired subject in force: %+v %v", v.Subjects, err)
	}
}

func TestTheDrawTakesTheLeastUsedSubjectsAtRandom(t *testing.T) {
	dw := newDrawWorld(t)
	b := dw.presented[0]
	used := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas déjà utilisé", b, 3)
	fresh1 := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas neuf 1", b, 3)
	fresh2 := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas neuf 2", b, 3)
	// Another candidate's oral drew « used » (recorded straight in the store: candidate B's own
	// organisation is B, whose subjects their draw leaves out).
	st := dw.Service.Store()
	if err := st.Write(dw.ctx, func(q store.Q) error {
		c, err := q.Candidate(dw.ctx, dw.CandidateB, store.Scope{})
		if err != nil {
			return err
		}
		if err := q.CreateOral(dw.ctx, store.Oral{ID: "oral-b", CommissionID: dw.CommissionID, EnrolmentID: c.Enrolments[0].ID,
			StartsAt: servicetest.Clock.AddDate(0, 0, 3), DurationMinutes: 60, Place: "Lyon", CreatedAt: servicetest.Clock}); err != nil {
			return err
		}
		return q.CreateSubjectDraw(dw.ctx, domain.SubjectDraw{ID: "draw-b", OralID: "oral-b", SubjectID: used, Kind: domain.SubjectPracticalCase,
			Version: 1, CandidateID: dw.CandidateB, EnrolmentID: c.Enrolments[0].ID, DrawnAt: servicetest.Clock})
	}); err != nil {
		t.Fatal(err)
	}
	var offered []int
	dw.Service.SetSubjectPicker(func(n int) int { offered = append(offered, n); return n - 1 })
	got := dw.schedule(t, "02/12/2026", "10:00")
	id := drawnID(t, got, domain.SubjectPracticalCase)
	if id == used || (id != fresh1 && id != fresh2) {
		t.Fatalf("drew %s, want one of the unused %s, %s", id, fresh1, fresh2)
	}
	if len(offered) == 0 || offered[0] != 2 {
		t.Fatalf("the random source was offered %v, want the 2 least used first", offered)
	}
}

func TestTheDrawTakesOnlySubjectsOnTheBlocksPresented(t *testing.T) {
	dw := newDrawWorld(t)
	dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas sur un autre bloc", dw.other, 3)
	got := dw.schedule(t, "02/12/2026", "10:00")
	// The fixture's bank also holds company A's case, on a block presented.
	missing(t, got, domain.SubjectPracticalCase, "sur 2 sujets valides du CQP « Chargé de clientèle », 1 porte sur des blocs que le candidat ne présente pas, 1 a été proposé par")
	onBlock := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas sur le bon bloc", dw.presented[0], 3)
	if _, err := dw.Service.RedrawSubjects(dw.ctx, dw.sec, got.Oral.ID, service.RedrawInput{Kind: string(domain.SubjectPracticalCase)}); err != nil {
		t.Fatal(err)
	}
	v, err := dw.Service.OralSubjects(dw.ctx, dw.sec, got.Oral.ID)
	if err != nil || len(v.Subjects) != 1 || v.Subjects[0].Subject.ID != onBlock {
		t.Fatalf("after drawing the missing case: %+v %v", v.Subjects, err)
	}
}

func TestTheDrawLeavesOutRetiredAndExpiredSubjects(t *testing.T) {
	dw := newDrawWorld(t)
	retired := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas retiré", dw.presented[0], 3)
	if err := dw.Service.RetireSubject(dw.ctx, dw.sec, retired, "Réglementation modifiée"); err != nil {
		t.Fatal(err)
	}
	dw.AcceptSubject(t, dw.ofB, domain.SubjectKnowledgeQuestion, "Question valable un an", dw.presented[0], 1)
	// The oral is two years on: the question's validity has ended.
	got := dw.schedule(t, "02/12/2028", "10:00")
	// Company A's case of the fixture is the only valid one: the retired one is not counted.
	missing(t, got, domain.SubjectPracticalCase, "sur 1 sujet valide du CQP")
	missing(t, got, domain.SubjectKnowledgeQuestion, "la banque n'a aucune question de connaissances")
	// A year sooner, the question is valid.
	sooner := dw.schedule(t, "02/12/2026", "10:00")
	drawnID(t, sooner, domain.SubjectKnowledgeQuestion)
}

func TestAnOralWithoutSubjectIsScheduledAndTheSecretariatSeesWhy(t *testing.T) {
	dw := newDrawWorld(t)
	got := dw.schedule(t, "02/12/2026", "10:00")
	missing(t, got, domain.SubjectKnowledgeQuestion, "aucune question de connaissances")
	if note := service.SubjectDrawNote(got.Subjects); !strings.Contains(note, "Aucun sujet disponible pour « Question de connaissances »") {
		t.Fatalf("note: %s", note)
	}
	v, err := dw.Service.OralSubjects(dw.ctx, dw.sec, got.Oral.ID)
	if err != nil || len(v.Missing) != 2 || !v.CanRedraw {
		t.Fatalf("the secretariat's view: %+v %v", v, err)
	}
	cards, err := dw.Service.Dashboard(dw.ctx, dw.sec)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cards {
		if c.Label == "Oraux à venir sans sujet tiré" {
			for _, it := range c.Items {
				found = found || (strings.Contains(it.Label, "02/12/2026") && it.Href == "/oraux/"+got.Oral.ID+"/sujets")
			}
		}
	}
	if !found {
		t.Fatalf("no dashboard task for the oral without subject: %+v", cards)
	}
}

func TestTheCommissionReadsTheSubjectsFromTheDayOfTheOralAndTheProposersNever(t *testing.T) {
	dw := newDrawWorld(t)
	b := dw.presented[0]
	dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas 1", b, 3)
	dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas 2", b, 3)
	dw.AcceptSubject(t, dw.ofB, domain.SubjectKnowledgeQuestion, "Question 1", b, 3)
	dw.AcceptSubject(t, dw.ofB, domain.SubjectKnowledgeQuestion, "Question 2", b, 3)
	// The fixture's clock is 25/11/2026 at 10:00 in Paris.
	today := dw.schedule(t, "25/11/2026", "14:00")
	tomorrow := dw.schedule(t, "26/11/2026", "14:00")
	member := dw.Actor(t, dw.Accounts[domain.RoleCommissionMember])
	v, err := dw.Service.OralSubjects(dw.ctx, member, today.Oral.ID)
	if err != nil || !v.Visible || len(v.Subjects) != 2 || v.Subjects[0].Subject.Current.MarkingGuide == "" || v.Replaced != nil || v.Missing != nil {
		t.Fatalf("the commission on the day: %+v %v", v, err)
	}
	v, err = dw.Service.OralSubjects(dw.ctx, member, tomorrow.Oral.ID)
	if err != nil || v.Visible || len(v.Subjects) != 0 || v.VisibleFrom != "26/11/2026" {
		t.Fatalf("the commission the day before: %+v %v", v, err)
	}
	for _, key := range []string{dw.Accounts[domain.RoleTrainingOrganisation], dw.OrgBAccount, dw.Accounts[domain.RoleCompany], dw.Accounts[domain.RoleCandidate]} {
		if _, err := dw.Service.OralSubjects(dw.ctx, dw.Actor(t, key), today.Oral.ID); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("%s read the draw: %v", key, err)
		}
	}
	committee := dw.Actor(t, dw.Subjects(t).CommitteeKey)
	if v, err := dw.Service.OralSubjects(dw.ctx, committee, tomorrow.Oral.ID); err != nil || !v.Visible || len(v.Subjects) != 2 {
		t.Fatalf("the subject committee: %+v %v", v, err)
	}

	t.Run("the secretariat redraws with a reason and the replaced draw stays", func(t *testing.T) {
		in := service.RedrawInput{Kind: string(domain.SubjectPracticalCase)}
		if _, err := dw.Service.RedrawSubjects(dw.ctx, dw.sec, tomorrow.Oral.ID, in); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("a redraw without reason: %v", err)
		}
		if _, err := dw.Service.RedrawSubjects(dw.ctx, member, tomorrow.Oral.ID, service.RedrawInput{Reason: "x"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("the commission redrew: %v", err)
		}
		before, _ := dw.Service.OralSubjects(dw.ctx, dw.sec, tomorrow.Oral.ID)
		in.Reason = "Sujet traité en formation par le candidat"
		// Cas 1 and Cas 2 each went to one oral of candidate A: no other case is left.
		if _, err := dw.Service.RedrawSubjects(dw.ctx, dw.sec, tomorrow.Oral.ID, in); domain.ErrorCode(err) != domain.ECONFLICT ||
			!strings.Contains(domain.ErrorMessage(err), "reste en vigueur") {
			t.Fatalf("a redraw with no other subject: %v", err)
		}
		third := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas 3", b, 3)
		if _, err := dw.Service.RedrawSubjects(dw.ctx, dw.sec, tomorrow.Oral.ID, in); err != nil {
			t.Fatal(err)
		}
		after, err := dw.Service.OralSubjects(dw.ctx, dw.sec, tomorrow.Oral.ID)
		if err != nil || len(after.Replaced) != 1 || after.Replaced[0].Draw.RedrawReason != in.Reason ||
			after.Replaced[0].Draw.SubjectID != before.Subjects[0].Subject.ID {
			t.Fatalf("the history: %+v %v", after.Replaced, err)
		}
		for _, d := range after.Subjects {
			if d.Draw.Kind == domain.SubjectPracticalCase && d.Subject.ID != third {
				t.Fatalf("the new case is %s, want %s", d.Subject.ID, third)
			}
		}
		entries, _, err := dw.Service.Audit(dw.ctx, dw.sec, store.AuditFilter{EntityID: tomorrow.Oral.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			if strings.HasPrefix(e.Action, "subject.") {
				actions = append(actions, e.Action)
				if e.CandidateID != "" {
					t.Errorf("the draw's audit entry names the candidate, whose export would show it: %+v", e)
				}
			}
		}
		if len(actions) != 3 {
			t.Fatalf("audited draws: %v", actions)
		}
	})
}
