package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

func init() { sampleSources = append(sampleSources, subjectDrawSamples) }

// subjectDrawSamples schedules an oral of candidate A on the fixture's day, which draws
// organisation B's case (with a PDF) and question, and an oral of candidate B before a
// commission the commission member does not sit on.
func subjectDrawSamples(t testing.TB, w *servicetest.World) routeSamples {
	ctx := context.Background()
	w.Subjects(t)
	ofB := w.Actor(t, w.OrgBAccount)
	presented, _ := w.EnrolmentBlocks(t)
	caseID, att := proposeWithPDF(t, w, ofB, presented[0])
	w.AcceptSubject(t, ofB, domain.SubjectKnowledgeQuestion, "Question du jour", presented[0], 3)
	_ = caseID
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	got, err := w.Service.ScheduleOral(ctx, sec, service.OralInput{CommissionID: w.CommissionID, EnrolmentID: w.EnrolmentA,
		Date: "25/11/2026", Time: "16:10", Duration: "30", Place: "Paris"})
	if err != nil {
		t.Fatal(err)
	}
	other := "oral-b-draws"
	if err := w.Service.Store().Write(ctx, func(q store.Q) error {
		c, err := q.Candidate(ctx, w.CandidateB, store.Scope{})
		if err != nil {
			return err
		}
		if err := q.CreateCommission(ctx, store.Commission{ID: "commission-b-draws", Name: "Commission B", CreatedAt: servicetest.Clock}); err != nil {
			return err
		}
		return q.CreateOral(ctx, store.Oral{ID: other, CommissionID: "commission-b-draws", EnrolmentID: c.Enrolments[0].ID,
			StartsAt: servicetest.Clock.Add(5 * 3600e9), DurationMinutes: 60, Place: "Lyon", CreatedAt: servicetest.Clock})
	}); err != nil {
		t.Fatal(err)
	}
	oral := "/oraux/" + got.Oral.ID + "/sujets"
	return routeSamples{
		Paths: map[string]string{
			"/oraux/{id}/sujets":                oral,
			"/oraux/{id}/sujets/pieces/{piece}": oral + "/pieces/" + att,
		},
		CrossScope: map[string]string{"/oraux/{id}/sujets": "/oraux/" + other + "/sujets"},
	}
}

// proposeWithPDF has the proposer write a practical case with a PDF on the block, and the
// committee accept it; it returns the subject and the attachment.
func proposeWithPDF(t testing.TB, w *servicetest.World, proposer domain.Actor, block domain.Block) (string, string) {
	t.Helper()
	ctx := context.Background()
	sw := w.Subjects(t)
	in := sw.SubjectInput(domain.SubjectPracticalCase, "Cas avec constat")
	in.Blocks, in.Competences = []string{block.Code}, []string{block.Competences[0].Code}
	in.MarkingGuide = "Grille : A si le constat est lu et la garantie vérifiée."
	sub, err := w.Service.CreateSubjectProposal(ctx, proposer, in)
	if err != nil {
		t.Fatal(err)
	}
	att, err := w.Service.AddSubjectAttachment(ctx, proposer, sub.ID, "constat.pdf", []byte(servicetest.MinimalPDF))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Service.SubmitSubjectProposal(ctx, proposer, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Service.ReviewSubject(ctx, w.Actor(t, sw.CommitteeKey), sub.ID,
		service.SubjectReviewInput{Decision: domain.SubjectDecisionAccepted, ValidityYears: 3}); err != nil {
		t.Fatal(err)
	}
	return sub.ID, att.ID
}

// scheduleOver schedules an oral of candidate A through the secretariat's form; it returns the
// oral's id and the message shown after.
func scheduleOver(t *testing.T, s *site, day, at string) (string, string) {
	t.Helper()
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	status, loc, body := s.post(t, sec, "/commissions/"+s.world.CommissionID+"/oraux", url.Values{"enrolment": {s.world.EnrolmentA},
		"date": {day}, "time": {at}, "duration": {"60"}, "place": {"Paris, salle Colbert"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/oraux/") {
		t.Fatalf("scheduling: %d %s %.400s", status, loc, body)
	}
	_, page := s.do(t, sec, http.MethodGet, loc)
	return strings.TrimPrefix(loc, "/oraux/"), page
}

// The end-to-end test: two organisations propose, the committee accepts three and
// refuses one, an oral for a candidate of the first organisation draws only the second's
// subjects, the commission reads them on the day and marks with the guide; the proposers
// cannot read the draw.
func TestTwoOrganisationsProposeAndTheOralOfTheFirstsCandidateDrawsOnlyTheSeconds(t *testing.T) {
	s := newSite(t)
	w := s.world
	ctx := context.Background()
	sw := w.Subjects(t)
	ofA, ofB := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), w.Actor(t, w.OrgBAccount)
	committee := w.Actor(t, sw.CommitteeKey)
	presented, _ := w.EnrolmentBlocks(t)
	block := presented[0]
	propose := func(a domain.Actor, kind domain.SubjectKind, title string) string {
		in := sw.SubjectInput(kind, title)
		in.Blocks, in.Competences = []string{block.Code}, []string{block.Competences[0].Code}
		in.CandidateText, in.MarkingGuide = "Énoncé — "+title, "Guide — "+title
		sub, err := w.Service.CreateSubjectProposal(ctx, a, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Service.SubmitSubjectProposal(ctx, a, sub.ID); err != nil {
			t.Fatal(err)
		}
		return sub.ID
	}
	review := func(id string, d domain.SubjectDecision) {
		in := service.SubjectReviewInput{Decision: d, ValidityYears: 3}
		if d == domain.SubjectDecisionRefused {
			in.Reason, in.ValidityYears = "Hors du référentiel", 0
		}
		if _, err := w.Service.ReviewSubject(ctx, committee, id, in); err != nil {
			t.Fatal(err)
		}
	}
	caseA := propose(ofA, domain.SubjectPracticalCase, "Cas de l'organisme A")
	questionA := propose(ofA, domain.SubjectKnowledgeQuestion, "Question de l'organisme A")
	caseB := propose(ofB, domain.SubjectPracticalCase, "Cas de l'organisme B")
	questionB := propose(ofB, domain.SubjectKnowledgeQuestion, "Question de l'organisme B")
	review(caseA, domain.SubjectDecisionAccepted)
	review(questionA, domain.SubjectDecisionRefused)
	review(caseB, domain.SubjectDecisionAccepted)
	review(questionB, domain.SubjectDecisionAccepted)

	// The fixture's clock is 25/11/2026, 10:00 in Paris: the oral is this afternoon.
	oral, page := scheduleOver(t, s, "25/11/2026", "14:00")
	if !strings.Contains(page, "Le cas pratique et la question de connaissances sont tirés dans la banque de sujets.") {
		t.Fatalf("the secretariat's message: %.2000s", page)
	}
	member := s.client(t, w.Accounts[domain.RoleCommissionMember])
	status, body := s.do(t, member, http.MethodGet, "/oraux/"+oral+"/sujets")
	if status != http.StatusOK || !strings.Contains(body, "Énoncé — Cas de l'organisme B") || !strings.Contains(body, "Guide — Question de l'organisme B") {
		t.Fatalf("the commission's subjects page: %d %.3000s", status, body)
	}
	if strings.Contains(body, "organisme A") || strings.Contains(body, "Devoir de conseil") {
		t.Fatal("the candidate of organisation A drew a subject of organisation A or of company A")
	}
	grid := "/inscriptions/" + w.EnrolmentA + "/grilles/commission"
	status, body = s.do(t, member, http.MethodGet, grid)
	if status != http.StatusOK || !strings.Contains(body, "Guide — Cas de l'organisme B") || !strings.Contains(body, "Énoncé — Question de l'organisme B") {
		t.Fatalf("the grid does not show the subjects: %d %.3000s", status, body)
	}
	form := url.Values{"action": {"save"}, "practical_case": {"Constat lu, garantie vérifiée : conforme au guide."}}
	for _, c := range block.Competences {
		form.Set(service.MarkField(c.Code), "A")
	}
	if status, loc, body := s.post(t, member, grid, form); status != http.StatusSeeOther || loc != grid {
		t.Fatalf("marking: %d %s %.500s", status, loc, body)
	}
	if _, body := s.do(t, member, http.MethodGet, grid); !strings.Contains(body, "Constat lu, garantie vérifiée") {
		t.Fatal("the marks were not kept")
	}
	for _, key := range []string{w.Accounts[domain.RoleTrainingOrganisation], w.OrgBAccount, w.Accounts[domain.RoleCompany], w.Accounts[domain.RoleCandidate]} {
		c := s.client(t, key)
		if status, body := s.do(t, c, http.MethodGet, "/oraux/"+oral+"/sujets"); status != http.StatusForbidden || strings.Contains(body, "Énoncé —") {
			t.Errorf("%s read the draw: %d", key, status)
		}
	}
	if status, body := s.do(t, s.client(t, w.OrgBAccount), http.MethodGet, "/sujets/statistiques"); status != http.StatusForbidden || strings.Contains(body, "Cas de l'organisme B") {
		t.Errorf("organisation B read the bank's statistics: %d", status)
	}
}

func TestTheCommissionSeesTheSubjectOnTheDayOfTheOralAndNotTheDayBefore(t *testing.T) {
	s := newSite(t)
	w := s.world
	w.Subjects(t)
	ofB := w.Actor(t, w.OrgBAccount)
	presented, _ := w.EnrolmentBlocks(t)
	// The picker takes the first of the least used, in the order accepted: today's oral draws the
	// case with a PDF, tomorrow's « Cas un », and the redraw « Cas deux ».
	_, pdf := proposeWithPDF(t, w, ofB, presented[0])
	for _, title := range []string{"Cas un", "Cas deux"} {
		w.AcceptSubject(t, ofB, domain.SubjectPracticalCase, title, presented[0], 3)
	}
	w.Service.SetSubjectPicker(func(n int) int { return 0 })
	today, _ := scheduleOver(t, s, "25/11/2026", "14:00")
	tomorrow, _ := scheduleOver(t, s, "26/11/2026", "14:00")
	member := s.client(t, w.Accounts[domain.RoleCommissionMember])
	status, body := s.do(t, member, http.MethodGet, "/oraux/"+tomorrow+"/sujets")
	if status != http.StatusOK || !strings.Contains(body, "seront visibles ici le 26/11/2026") || strings.Contains(body, "Grille :") || strings.Contains(body, "Énoncé") {
		t.Fatalf("the day before: %d %.2000s", status, body)
	}
	status, body = s.do(t, member, http.MethodGet, "/oraux/"+today+"/sujets")
	if status != http.StatusOK || !strings.Contains(body, "Grille de correction") || !strings.Contains(body, "Réponse attendue") {
		t.Fatalf("on the day: %d %.2000s", status, body)
	}
	// The secretariat reads both at any time, and the PDF of the oral's case.
	sec := s.client(t, w.Accounts[domain.RoleSecretariat])
	if status, body := s.do(t, sec, http.MethodGet, "/oraux/"+tomorrow+"/sujets"); status != http.StatusOK || !strings.Contains(body, "Grille de correction") {
		t.Fatalf("the secretariat: %d", status)
	}
	if _, body := s.do(t, sec, http.MethodGet, "/oraux/"+today+"/sujets"); !strings.Contains(body, "constat.pdf") || !strings.Contains(body, "Cas avec constat") {
		t.Fatalf("today's oral did not draw the case with a PDF: %.3000s", body)
	}
	if status, _ := s.do(t, sec, http.MethodGet, "/oraux/"+tomorrow+"/sujets/pieces/"+pdf); status != http.StatusNotFound {
		t.Fatalf("a PDF of a subject the oral did not draw: %d", status)
	}
	for _, oral := range []string{today} {
		if status, _ := s.do(t, sec, http.MethodGet, "/oraux/"+oral+"/sujets/pieces/"+pdf); status != http.StatusOK {
			t.Fatalf("the secretariat's PDF: %d", status)
		}
		if status, _ := s.do(t, s.client(t, w.OrgBAccount), http.MethodGet, "/oraux/"+oral+"/sujets/pieces/"+pdf); status != http.StatusForbidden {
			t.Fatalf("the proposer read the drawn PDF: %d", status)
		}
		if status, _ := s.do(t, member, http.MethodGet, "/oraux/"+oral+"/sujets/pieces/"+pdf); status != http.StatusOK {
			t.Fatalf("the commission's PDF on the day: %d", status)
		}
	}

	t.Run("the secretariat redraws with a reason, and the replaced draw stays", func(t *testing.T) {
		path := "/oraux/" + tomorrow + "/sujets"
		status, _, body := s.post(t, sec, path, url.Values{"kind": {"practical_case"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez pourquoi le sujet est tiré de nouveau") || !strings.Contains(body, `href="#f-reason"`) {
			t.Fatalf("without reason: %d %.1500s", status, body)
		}
		status, loc, body := s.post(t, sec, path, url.Values{"kind": {"practical_case"}, "reason": {"Sujet vu en formation"}})
		if status != http.StatusSeeOther || loc != path {
			t.Fatalf("redraw: %d %s %.1500s", status, loc, body)
		}
		_, body = s.do(t, sec, http.MethodGet, path)
		if !strings.Contains(body, "Tirages remplacés") || !strings.Contains(body, "Sujet vu en formation") || !strings.Contains(body, "Cas deux") {
			t.Fatalf("the history: %.3000s", body)
		}
		if status, _ := s.do(t, member, http.MethodGet, path); status != http.StatusOK {
			t.Fatalf("the commission's page: %d", status)
		}
		if _, body := s.do(t, member, http.MethodGet, "/oraux/"+today+"/sujets"); strings.Contains(body, "Tirages remplacés") {
			t.Fatal("the commission reads the redraw history")
		}
	})
}

func TestAnOralWithoutSubjectTellsTheSecretariatWhy(t *testing.T) {
	s := newSite(t)
	s.world.Subjects(t)
	oral, page := scheduleOver(t, s, "02/12/2026", "10:00")
	if !strings.Contains(page, "Aucun sujet disponible pour « Question de connaissances » : la banque n'a aucune question de connaissances") {
		t.Fatalf("the message after scheduling: %.3000s", page)
	}
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	if _, body := s.do(t, sec, http.MethodGet, "/oraux/"+oral+"/sujets"); !strings.Contains(body, "Aucun sujet disponible") {
		t.Fatalf("the oral's subjects page: %.2000s", body)
	}
	if _, body := s.do(t, sec, http.MethodGet, "/"); !strings.Contains(body, "Oraux à venir sans sujet tiré") {
		t.Fatal("no dashboard task")
	}
	if status, body := s.do(t, sec, http.MethodGet, "/sujets/statistiques"); status != http.StatusOK || !strings.Contains(body, "Un sujet est signalé à la commission de sujets") {
		t.Fatalf("statistics: %d %.1000s", status, body)
	}
}
