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

func init() { sampleSources = append(sampleSources, followupSamples) }

// followupSamples gives the follow-up routes records on both sides: candidate A's enrolment
// with an internship and a mark (for the removal routes) and an action of each organisation.
func followupSamples(t testing.TB, w *servicetest.World) routeSamples {
	ctx, sys := context.Background(), domain.SystemActor("test")
	in, err := w.Service.AddInternship(ctx, sys, w.EnrolmentA, service.InternshipInput{CompanyID: w.CompanyA,
		StartsOn: "01/12/2026", EndsOn: "20/12/2026", Hours: "105"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Service.AddContinuousAssessment(ctx, sys, w.EnrolmentA, service.AssessmentInput{BlockCode: "BC1",
		Label: "Étude de cas", On: "20/11/2026", Mark: "12"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.Service.Candidate(ctx, sys, w.CandidateB)
	if err != nil {
		t.Fatal(err)
	}
	actionA, _ := seedFollowupAction(t, w, w.OrgA, "CC Paris", "Roux")
	actionB, _ := seedFollowupAction(t, w, w.OrgB, "CC Lyon", "Moreau")
	ea, eb := "/inscriptions/"+w.EnrolmentA, "/inscriptions/"+b.Enrolments[0].ID
	return routeSamples{
		Paths: map[string]string{
			"/inscriptions/{id}/suivi":                  ea + "/suivi",
			"/inscriptions/{id}/heures":                 ea + "/heures",
			"/inscriptions/{id}/stages":                 ea + "/stages",
			"/inscriptions/{id}/stages/{stage}/retrait": ea + "/stages/" + in.ID + "/retrait",
			"/inscriptions/{id}/statut":                 ea + "/statut",
			"/inscriptions/{id}/notes":                  ea + "/notes",
			"/inscriptions/{id}/notes/{note}/retrait":   ea + "/notes/" + m.ID + "/retrait",
			"/inscriptions/{id}/livret":                 ea + "/livret",
			"/actions/{id}/notes":                       "/actions/" + actionA + "/notes",
		},
		CrossScope: map[string]string{
			"/inscriptions/{id}/suivi":  eb + "/suivi",
			"/inscriptions/{id}/notes":  eb + "/notes",
			"/inscriptions/{id}/livret": eb + "/livret",
			"/actions/{id}/notes":       "/actions/" + actionB + "/notes",
		},
	}
}

// seedFollowupAction stores an action of the organisation with new candidates enrolled in it,
// in training. It goes through the store: declaring actions and enrolling into them belong to
// another part of the formation route.
func seedFollowupAction(t testing.TB, w *servicetest.World, orgID, title string, names ...string) (string, []string) {
	t.Helper()
	ctx, sys := context.Background(), domain.SystemActor("test")
	fw, err := w.Service.Framework(ctx, sys, w.FrameworkCC)
	if err != nil {
		t.Fatal(err)
	}
	blocks := []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"}
	actionID := "action-" + strings.ToLower(strings.ReplaceAll(title, " ", "-"))
	err = w.Service.Store().Write(ctx, func(q store.Q) error {
		return q.CreateAction(ctx, store.Action{ID: actionID, TrainingOrganisationID: orgID, QualificationID: fw.QualificationID,
			Route: domain.RouteFormation, Title: title, StartsOn: domain.NewDate(2026, 9, 1), EndsOn: domain.NewDate(2027, 2, 26),
			Status: "declared", CreatedAt: servicetest.Clock})
	})
	if err != nil {
		t.Fatal(err)
	}
	var enrolments []string
	for _, name := range names {
		c, err := w.Service.CreateCandidate(ctx, sys, service.CandidateInput{Candidate: domain.Candidate{BirthName: name, FirstNames: "Camille",
			BirthDate: domain.NewDate(1998, 6, 1), Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"}})
		if err != nil {
			t.Fatal(err)
		}
		id := "enrolment-" + c.ID
		err = w.Service.Store().Write(ctx, func(q store.Q) error {
			return q.CreateEnrolmentRecord(ctx, store.EnrolmentRecord{ActionID: actionID, Enrolment: domain.Enrolment{ID: id, CandidateID: c.ID,
				FrameworkID: fw.ID, QualificationID: fw.QualificationID, Route: domain.RouteFormation, Public: domain.PublicRecentGraduate,
				Status: domain.StatusInTraining, TrainingOrganisationID: orgID, Blocks: blocks, CreatedAt: servicetest.Clock, UpdatedAt: servicetest.Clock}}, "")
		})
		if err != nil {
			t.Fatal(err)
		}
		enrolments = append(enrolments, id)
	}
	return actionID, enrolments
}

func TestTheGroupMarksFormRefusesAWrongMarkWholeAndKeepsWhatWasTyped(t *testing.T) {
	s := newSite(t)
	action, es := seedFollowupAction(t, s.world, s.world.OrgA, "CC Paris", "Roux", "Bernard", "Dupont")
	roux, bernard, dupont := es[0], es[1], es[2]
	of := s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation])

	status, body := s.do(t, of, http.MethodGet, "/actions/"+action+"/notes?bloc=BC1")
	if status != http.StatusOK || !strings.Contains(body, `name="note-`+bernard+`"`) || !strings.Contains(body, "tronquée au centième") {
		t.Fatalf("screen: status %d %.300s", status, body)
	}
	if strings.Index(body, "BERNARD") > strings.Index(body, "ROUX") {
		t.Error("candidates are not listed by name")
	}
	for _, tc := range []struct{ bad, says string }{{"21", "« 21 » est hors de 0 à 20"}, {"douze", "« douze » n'est pas une note"}} {
		t.Run("a mark of "+tc.bad+" is refused", func(t *testing.T) {
			form := url.Values{"block": {"BC1"}, "label": {"Étude de cas n° 1"}, "on": {"2026-11-24"},
				"note-" + bernard: {"12,5"}, "note-" + dupont: {tc.bad}, "note-" + roux: {"9"}}
			status, _, body := s.post(t, of, "/actions/"+action+"/notes", form)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", status)
			}
			if !strings.Contains(body, "Bloc BC1 — DUPONT Camille : "+tc.says) || !strings.Contains(body, `href="#f-note-`+dupont+`"`) {
				t.Errorf("the refusal does not name the block, the candidate and the field: %.2000s", body)
			}
			for _, want := range []string{`value="12,5"`, `value="` + tc.bad + `"`, `value="9"`, `value="Étude de cas n° 1"`} {
				if !strings.Contains(body, want) {
					t.Errorf("what was typed is lost: no %s", want)
				}
			}
			for _, id := range es {
				marks, err := s.world.Service.ContinuousMarks(context.Background(), domain.SystemActor("test"), id)
				if err != nil || len(marks) != 0 {
					t.Fatalf("a refused form saved marks: %v %v", marks, err)
				}
			}
		})
	}

	t.Run("a clean form records every typed mark and shows them", func(t *testing.T) {
		form := url.Values{"block": {"BC1"}, "label": {"Étude de cas n° 1"}, "on": {"24/11/2026"},
			"note-" + bernard: {"12,5"}, "note-" + dupont: {"8"}, "note-" + roux: {""}}
		status, loc, _ := s.post(t, of, "/actions/"+action+"/notes", form)
		if status != http.StatusSeeOther || loc != "/actions/"+action+"/notes?bloc=BC1" {
			t.Fatalf("status %d, location %q", status, loc)
		}
		_, body := s.do(t, of, http.MethodGet, loc)
		if !strings.Contains(body, "2 notes sont enregistrées") || !strings.Contains(body, "12,5/20") || !strings.Contains(body, "non admis à l'évaluation finale") {
			t.Fatalf("page after recording: %.3000s", body)
		}
	})
}

func TestAWithdrawalWithoutAReasonIsRefusedAndTheStatusStays(t *testing.T) {
	s := newSite(t)
	of := s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation])
	path := "/inscriptions/" + s.world.EnrolmentA
	status, body := s.do(t, of, http.MethodGet, path+"/suivi")
	if status != http.StatusOK || !strings.Contains(body, `<option value="withdrawn">Abandon</option>`) {
		t.Fatalf("status form: %d %.300s", status, body)
	}
	status, _, body = s.post(t, of, path+"/statut", url.Values{"status": {"withdrawn"}, "reason": {"  "}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez la raison de l'abandon") {
		t.Fatalf("status %d: %.2000s", status, body)
	}
	c, err := s.world.Service.Candidate(context.Background(), domain.SystemActor("test"), s.world.CandidateA)
	if err != nil || c.Enrolments[0].Status != domain.StatusEnrolled {
		t.Fatalf("status after the refusal: %+v %v", c.Enrolments, err)
	}
	status, _, body = s.post(t, of, path+"/statut", url.Values{"status": {"final_evaluation"}})
	if status != http.StatusConflict || !strings.Contains(body, "n'est pas l'étape suivante") {
		t.Fatalf("skipping a step: %d %.1000s", status, body)
	}
	status, loc, _ := s.post(t, of, path+"/statut", url.Values{"status": {"withdrawn"}, "reason": {"Déménagement"}})
	if status != http.StatusSeeOther || !strings.HasSuffix(loc, "/suivi#statut") {
		t.Fatalf("withdrawal: %d %q", status, loc)
	}
	_, body = s.do(t, of, http.MethodGet, path+"/suivi")
	if !strings.Contains(body, "Abandon — Déménagement") || !strings.Contains(body, "son suivi est clos") {
		t.Fatalf("page after the withdrawal: %.3000s", body)
	}
}

func TestHoursAndInternshipsAreRecordedFromTheFollowupPage(t *testing.T) {
	s := newSite(t)
	of := s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation])
	path := "/inscriptions/" + s.world.EnrolmentA
	status, _, body := s.post(t, of, path+"/heures", url.Values{"planned-BC1": {"100"}, "done-BC1": {"quarante"}, "planned-BC2": {"80"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Bloc BC1, heures effectuées : « quarante »") || !strings.Contains(body, `value="quarante"`) {
		t.Fatalf("refused hours: %d %.2000s", status, body)
	}
	status, loc, _ := s.post(t, of, path+"/heures", url.Values{"planned-BC1": {"100"}, "done-BC1": {"40"}})
	if status != http.StatusSeeOther {
		t.Fatalf("hours: %d", status)
	}
	status, _, _ = s.post(t, of, path+"/stages", url.Values{"company": {s.world.CompanyA}, "starts_on": {"2026-11-02"}, "ends_on": {"2026-11-20"}, "hours": {"105"}})
	if status != http.StatusSeeOther {
		t.Fatalf("internship: %d", status)
	}
	_, body = s.do(t, of, http.MethodGet, loc)
	for _, want := range []string{"40 h effectuées sur 600 h dues", "en retard sur le prévu", "Cabinet A", "avant la fin de la formation (25/11/2026)",
		"Stage dû : 300 h (Demandeur d'emploi), 105 h prévues ou faites, il manque 195 h"} {
		if !strings.Contains(body, want) {
			t.Errorf("the follow-up page does not say %q", want)
		}
	}
	// The candidate reads the same page without any form.
	_, body = s.do(t, s.client(t, s.world.Accounts[domain.RoleCandidate]), http.MethodGet, path+"/suivi")
	if strings.Contains(body, "<form method=\"post\" action=\""+path) || !strings.Contains(body, "Cabinet A") {
		t.Fatalf("candidate's view: %.2000s", body)
	}
}

func TestOnlyTheReferentWritesTheLogbook(t *testing.T) {
	s := newSite(t)
	path := "/inscriptions/" + s.world.EnrolmentA + "/livret"
	referent := s.client(t, s.world.Accounts[domain.RoleCompanyReferent])
	status, _, body := s.post(t, referent, path, url.Values{"on": {"2026-11-20"}, "body": {""}, "competence-C1": {"A"}, "competence-OPT3-C1": {"A"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "n'appartient pas aux blocs présentés") {
		t.Fatalf("refused visit: %d %.1500s", status, body)
	}
	status, _, _ = s.post(t, referent, path, url.Values{"on": {"2026-11-20"}, "body": {"Premier point d'étape."}, "competence-C1": {"A"}})
	if status != http.StatusSeeOther {
		t.Fatalf("visit: %d", status)
	}
	_, body = s.do(t, referent, http.MethodGet, path)
	if !strings.Contains(body, "Premier point d'étape.") || !strings.Contains(body, "Compétence C1 : acquis") || !strings.Contains(body, "Ajouter un suivi") {
		t.Fatalf("referent's logbook: %.3000s", body)
	}
	_, body = s.do(t, s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation]), http.MethodGet, path)
	if strings.Contains(body, "Ajouter un suivi") || !strings.Contains(body, "Premier point d'étape.") {
		t.Fatal("the organisation is offered the referent's form, or does not read the logbook")
	}
}

func TestTheCandidateSeesTheirProgressOnTheirPage(t *testing.T) {
	s := newSite(t)
	ctx, sys := context.Background(), domain.SystemActor("test")
	for _, m := range []struct{ block, mark string }{{"BC1", "14"}, {"BC1", "11,5"}, {"BC2", "8"}} {
		if _, err := s.world.Service.AddContinuousAssessment(ctx, sys, s.world.EnrolmentA, service.AssessmentInput{BlockCode: m.block, Label: "Évaluation", On: "20/11/2026", Mark: m.mark}); err != nil {
			t.Fatal(err)
		}
	}
	status, body := s.do(t, s.client(t, s.world.Accounts[domain.RoleCandidate]), http.MethodGet, "/candidats/"+s.world.CandidateA)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"Progression", "<strong>Inscrit</strong> (étape actuelle)", "0 h effectuées sur 600 h dues",
		"12,75/20", "8/20", "non admis à l'évaluation finale", "pas encore noté", "Oral de certification le 09/12/2026 de 10:00 à 11:00, Paris"} {
		if !strings.Contains(body, want) {
			t.Errorf("the candidate's page does not say %q", want)
		}
	}
}
