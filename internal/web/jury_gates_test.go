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
)

// gatedCandidate enrols a job seeker of organisation A, with every continuous mark, 280 h of
// training of the 600 h owed and no internship, awaiting the jury; it returns the enrolment.
func gatedCandidate(t *testing.T, w *servicetest.World) string {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service
	c, err := svc.CreateCandidate(ctx, sys, service.CandidateInput{
		Candidate: domain.Candidate{BirthName: "Nguyễn", FirstNames: "Bérénice", BirthDate: domain.NewDate(1990, 6, 2),
			Sex: domain.SexFemale, BirthINSEE: "69123", BirthCity: "Lyon"},
		Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
			TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA, Blocks: []string{"OPT1", "OPT2"}}})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Enrolments[0]
	hours := map[string]service.BlockHoursInput{}
	for _, b := range e.Blocks {
		if _, err := svc.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: "13"}); err != nil {
			t.Fatal(err)
		}
		hours[b] = service.BlockHoursInput{Planned: "90", Done: "40"}
	}
	if err := svc.SetTrainingHours(ctx, sys, e.ID, hours); err != nil {
		t.Fatal(err)
	}
	for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		if _, err := svc.SetEnrolmentStatus(ctx, sys, c.ID, e.ID, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	return e.ID
}

func TestTheSessionHoldsACandidateMissingAGateUntilTheSecretariatDerogates(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	js, err := s.world.Service.ScheduleJurySession(ctx, domain.SystemActor("test"), service.JurySessionInput{Date: "10/12/2026", Time: "14:00", Place: "Paris"})
	if err != nil {
		t.Fatal(err)
	}
	gated := gatedCandidate(t, s.world)
	session := "/jury/sessions/" + js.ID
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	const training, internship = "Heures de formation : 280 h sur 600 h dues", "Stage : 0 h sur 300 h dues"

	status, body := s.do(t, sec, http.MethodGet, session)
	if status != http.StatusOK || !strings.Contains(body, "Candidats retenus par une condition de présentation manquante") ||
		!strings.Contains(body, training) || !strings.Contains(body, internship) || strings.Contains(body, `id="present-e-`+gated+`"`) ||
		!strings.Contains(body, "Accorder la dérogation (Stage) à Bérénice NGUYỄN") {
		t.Fatalf("the session page: %d %.2000s", status, mainOf(body))
	}

	status, _, body = s.post(t, sec, session+"/candidats", url.Values{"enrolments": {gated}})
	if status != http.StatusConflict || !strings.Contains(body, "Bérénice NGUYỄN ne peut pas être présenté au jury : "+training+" ; "+internship) {
		t.Fatalf("presenting without a derogation: %d %.1200s", status, mainOf(body))
	}

	status, _, body = s.post(t, sec, session+"/derogations", url.Values{"enrolment": {gated}, "gate": {"internship"}, "reason": {" "}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez le motif de la dérogation") ||
		strings.Count(body, `id="f-reason"`) != 1 || !strings.Contains(body, `<a href="#f-reason">`) {
		t.Fatalf("a derogation without a reason: %d %.1200s", status, mainOf(body))
	}
	for gate, reason := range map[string]string{"internship": "Stage impossible : reconnaissance de handicap", "training_hours": "Heures antérieures reconnues par la branche"} {
		status, loc, body := s.post(t, sec, session+"/derogations", url.Values{"enrolment": {gated}, "gate": {gate}, "reason": {reason}})
		if status != http.StatusSeeOther || loc != session+"#presenter" {
			t.Fatalf("derogation %s: %d %s %.600s", gate, status, loc, mainOf(body))
		}
	}
	member := s.client(t, s.world.Accounts[domain.RoleJuryPresident])
	if status, _, _ := s.post(t, member, session+"/derogations", url.Values{"enrolment": {gated}, "gate": {"internship"}, "reason": {"Motif"}}); status != http.StatusForbidden {
		t.Fatalf("the jury president derogated: %d", status)
	}

	status, body = s.do(t, sec, http.MethodGet, session)
	if status != http.StatusOK || !strings.Contains(body, `id="present-e-`+gated+`"`) ||
		!strings.Contains(body, "Par dérogation du 25/11/2026 : "+internship+" — motif : Stage impossible : reconnaissance de handicap") {
		t.Fatalf("the session page after the derogations: %d %.2000s", status, mainOf(body))
	}
	if status, loc, body := s.post(t, sec, session+"/candidats", url.Values{"enrolments": {gated}}); status != http.StatusSeeOther || loc != session+"#candidats" {
		t.Fatalf("presenting with derogations: %d %s %.600s", status, loc, mainOf(body))
	}
	status, body = s.do(t, sec, http.MethodGet, session+"/candidats/"+gated)
	if status != http.StatusOK || !strings.Contains(body, "Présentation au jury par dérogation du secrétariat") ||
		!strings.Contains(body, training+" — motif : Heures antérieures reconnues par la branche") {
		t.Fatalf("the jury's candidate page: %d %.2000s", status, mainOf(body))
	}
}
