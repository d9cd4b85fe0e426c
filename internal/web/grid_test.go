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

func init() { sampleSources = append(sampleSources, evaluationSamples) }

// evaluationSamples gives the final evaluation's routes a record on side A (candidate A's
// enrolment, the fixture's commission and oral) and on side B (candidate B's enrolment, and an
// oral of candidate B before another commission, on which the fixture's member does not sit).
func evaluationSamples(t testing.TB, w *servicetest.World) routeSamples {
	ctx := context.Background()
	sys := domain.SystemActor("test")
	c, err := w.Service.Candidate(ctx, sys, w.CandidateB)
	if err != nil {
		t.Fatal(err)
	}
	enrolmentB := c.Enrolments[0].ID
	var members []string
	for _, email := range []string{"membre-b1@cqp.test", "membre-b2@cqp.test"} {
		u, err := w.Service.CreateUser(ctx, sys, service.UserInput{Email: email, Name: "Membre " + email[6:8], Password: servicetest.Password,
			Roles: []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, u.ID)
	}
	k, err := w.Service.CreateCommission(ctx, sys, service.CommissionInput{Name: "Commission B", VotingMemberIDs: members})
	if err != nil {
		t.Fatal(err)
	}
	oralB, err := w.Service.ScheduleOral(ctx, sys, service.OralInput{CommissionID: k.ID, EnrolmentID: enrolmentB,
		Date: "15/12/2026", Time: "10:00", Duration: "60", Place: "Lyon"})
	if err != nil {
		t.Fatal(err)
	}
	member := w.UserIDs[w.Accounts[domain.RoleCommissionMember]]
	paths := map[string]string{
		"/inscriptions/{id}/evaluation":          "/inscriptions/" + w.EnrolmentA + "/evaluation",
		"/inscriptions/{id}/grilles/organisme":   "/inscriptions/" + w.EnrolmentA + "/grilles/organisme",
		"/inscriptions/{id}/grilles/referent":    "/inscriptions/" + w.EnrolmentA + "/grilles/referent",
		"/inscriptions/{id}/grilles/commission":  "/inscriptions/" + w.EnrolmentA + "/grilles/commission",
		"/commissions/{id}":                      "/commissions/" + w.CommissionID,
		"/commissions/{id}/oraux":                "/commissions/" + w.CommissionID + "/oraux",
		"/membres-commission/{id}/rattachements": "/membres-commission/" + member + "/rattachements",
		"/oraux/{id}":                            "/oraux/" + w.OralID,
		"/oraux/{id}/convocations":               "/oraux/" + w.OralID + "/convocations",
	}
	cross := map[string]string{
		"/inscriptions/{id}/evaluation":         "/inscriptions/" + enrolmentB + "/evaluation",
		"/inscriptions/{id}/grilles/organisme":  "/inscriptions/" + enrolmentB + "/grilles/organisme",
		"/inscriptions/{id}/grilles/referent":   "/inscriptions/" + enrolmentB + "/grilles/referent",
		"/inscriptions/{id}/grilles/commission": "/inscriptions/" + enrolmentB + "/grilles/commission",
		"/oraux/{id}":                           "/oraux/" + oralB.Oral.ID,
	}
	return routeSamples{Paths: paths, CrossScope: cross}
}

func TestGridScreenOverHTTP(t *testing.T) {
	s := newSite(t)
	w := s.world
	ctx := context.Background()
	sys := domain.SystemActor("test")
	for _, b := range []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"} {
		if _, err := w.Service.AddContinuousAssessment(ctx, sys, w.EnrolmentA, service.AssessmentInput{BlockCode: b,
			Label: "Étude de cas", On: "20/11/2026", Mark: "12"}); err != nil {
			t.Fatal(err)
		}
	}
	org := s.client(t, w.Accounts[domain.RoleTrainingOrganisation])
	path := "/inscriptions/" + w.EnrolmentA + "/grilles/organisme"

	t.Run("the organisation's screen has a labelled row per competence", func(t *testing.T) {
		status, body := s.do(t, org, http.MethodGet, path)
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		for _, want := range []string{`id="f-mark_C1" name="mark_C1" value="A"`, `for="f-count_C14"`, `max="9"`, `for="f-comment_OPT2-C1"`,
			"BC1 — ", "incomplet : 0 compétence notée sur 5"} {
			if !strings.Contains(body, want) {
				t.Errorf("missing %q", want)
			}
		}
		if strings.Contains(body, "reasoned_opinion") || strings.Contains(body, "<script") || strings.Contains(body, "style=") {
			t.Error("the organisation's screen carries the commission's opinion, a script or an inline style")
		}
	})

	t.Run("a draft is saved and the screen shows the rules' verdict per block", func(t *testing.T) {
		form := url.Values{"action": {"save"}, "mark_C1": {"A"}, "mark_C2": {"N"}, "count_C2": {"4"}, "mark_C3": {"A"}, "mark_C4": {"A"},
			"count_C5": {"2"}, "mark_C6": {"NA"}, "comment_C6": {"Écrit insuffisant"}}
		status, loc, _ := s.post(t, org, path, form)
		if status != http.StatusSeeOther || loc != path {
			t.Fatalf("status %d location %q", status, loc)
		}
		_, body := s.do(t, org, http.MethodGet, path)
		for _, want := range []string{"Brouillon enregistré (version 1)", "acquis : 15 compétences détaillées acquises sur 15, soit 100 % ≥ 70 %",
			`value="Écrit insuffisant"`, "incomplet : 1 compétence notée sur 2"} {
			if !strings.Contains(body, want) {
				t.Errorf("missing %q", want)
			}
		}
	})

	t.Run("a radio and a number on the same row are refused, and what was typed is kept", func(t *testing.T) {
		status, _, body := s.post(t, org, path, url.Values{"mark_C1": {"A"}, "count_C1": {"1"}, "comment_C3": {"gardé"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "C1 : choisissez « A », « NA » ou un nombre, pas les deux") ||
			!strings.Contains(body, `value="gardé"`) {
			t.Fatalf("status %d", status)
		}
	})

	t.Run("an incomplete grid is refused at submission with the missing competences per block", func(t *testing.T) {
		status, _, body := s.post(t, org, path, url.Values{"action": {"submit"}, "mark_C1": {"A"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "BC1 : C2, C3, C4, C5 ; BC2 : C6, C7") ||
			!strings.Contains(body, `href="#f-mark_C2"`) {
			t.Fatalf("status %d", status)
		}
	})

	t.Run("a competence outside the candidate's blocks is refused with a clear message", func(t *testing.T) {
		status, _, body := s.post(t, org, path, url.Values{"mark_OPT3-C1": {"A"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "relève du bloc OPT3, que le candidat ne présente pas") {
			t.Fatalf("status %d", status)
		}
	})

	t.Run("a complete grid is submitted; a later change asks for a reason", func(t *testing.T) {
		form := url.Values{"action": {"submit"}}
		for _, c := range []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11", "C12", "C13", "C14", "C15", "OPT1-C1", "OPT2-C1"} {
			form.Set("mark_"+c, "A")
		}
		if status, _, body := s.post(t, org, path, form); status != http.StatusSeeOther {
			t.Fatalf("status %d %.500s", status, body)
		}
		_, body := s.do(t, org, http.MethodGet, path)
		if !strings.Contains(body, "Grille soumise (version 1)") || !strings.Contains(body, "f-correction_reason") || !strings.Contains(body, "version 2") {
			t.Fatal("the submitted grid's screen does not offer a correction with its reason")
		}
		form.Set("action", "save")
		status, _, body := s.post(t, org, path, form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez le motif de la correction") {
			t.Fatalf("status %d", status)
		}
		_, body = s.do(t, s.client(t, w.Accounts[domain.RoleSecretariat]), http.MethodGet, "/inscriptions/"+w.EnrolmentA+"/evaluation")
		if !strings.Contains(body, "soumise (version 1)") || !strings.Contains(body, "Grille de l'organisme de formation") {
			t.Fatal("the secretariat's summary does not show the submitted grid")
		}
	})

	t.Run("an organisation cannot open the commission's grid", func(t *testing.T) {
		if status, _ := s.do(t, org, http.MethodGet, "/inscriptions/"+w.EnrolmentA+"/grilles/commission"); status != http.StatusForbidden {
			t.Fatalf("got %d", status)
		}
	})
}

func TestAMemberNotOnTheCommissionFindsNeitherTheOralNorTheGrid(t *testing.T) {
	s := newSite(t)
	w := s.world
	ctx := context.Background()
	sys := domain.SystemActor("test")
	u, err := w.Service.CreateUser(ctx, sys, service.UserInput{Email: "autre@cqp.test", Name: "Autre membre", Password: servicetest.Password,
		Roles: []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}})
	if err != nil {
		t.Fatal(err)
	}
	_ = u
	other := s.client(t, "autre@cqp.test")
	for _, path := range []string{"/oraux/" + w.OralID, "/inscriptions/" + w.EnrolmentA + "/grilles/commission", "/inscriptions/" + w.EnrolmentA + "/evaluation"} {
		if status, _ := s.do(t, other, http.MethodGet, path); status != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404", path, status)
		}
	}
	status, body := s.do(t, other, http.MethodGet, "/oraux")
	if status != http.StatusOK || !strings.Contains(body, "Mes oraux") || strings.Contains(body, "LEFÈVRE") {
		t.Fatalf("status %d", status)
	}
	member := s.client(t, w.Accounts[domain.RoleCommissionMember])
	status, body = s.do(t, member, http.MethodGet, "/oraux/"+w.OralID)
	if status != http.StatusOK || !strings.Contains(body, "LEFÈVRE") || !strings.Contains(body, "Noter le candidat") || !strings.Contains(body, "OPT1 — ") {
		t.Fatalf("the member's own oral: %d", status)
	}
}

func TestSecretariatFormsACommissionAndConvokes(t *testing.T) {
	s := newSite(t)
	w := s.world
	ctx := context.Background()
	sys := domain.SystemActor("test")
	var ids []string
	for _, email := range []string{"jeanne@cqp.test", "marc@cqp.test"} {
		u, err := w.Service.CreateUser(ctx, sys, service.UserInput{Email: email, Name: strings.Split(email, "@")[0], Password: servicetest.Password,
			Roles: []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	sec := s.client(t, w.Accounts[domain.RoleSecretariat])
	status, _, body := s.post(t, sec, "/commissions/nouvelle", url.Values{"name": {"Commission de Paris"}, "member1": {ids[0]}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "exactement deux membres") || !strings.Contains(body, `value="Commission de Paris"`) {
		t.Fatalf("one member: %d", status)
	}
	status, loc, _ := s.post(t, sec, "/commissions/nouvelle", url.Values{"name": {"Commission de Paris"}, "member1": {ids[0]}, "member2": {ids[1]}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/commissions/") {
		t.Fatalf("status %d location %q", status, loc)
	}
	commission := loc
	if status, _, _ := s.post(t, sec, "/membres-commission/"+ids[0]+"/rattachements", url.Values{"companies": {w.CompanyA}}); status != http.StatusSeeOther {
		t.Fatalf("affiliations: %d", status)
	}
	oral := url.Values{"enrolment": {w.EnrolmentA}, "date": {"09/12/2026"}, "time": {"14:00"}, "duration": {"60"}, "place": {"CSCA, salle 2"}}
	status, _, body = s.post(t, sec, commission+"/oraux", oral)
	if status != http.StatusConflict || !strings.Contains(body, "Conflit d'intérêts : jeanne") || !strings.Contains(body, "« Cabinet A »") {
		t.Fatalf("conflict of interest: %d", status)
	}
	if status, _, _ := s.post(t, sec, "/membres-commission/"+ids[0]+"/rattachements", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("clearing affiliations: %d", status)
	}
	status, loc, _ = s.post(t, sec, commission+"/oraux", oral)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/oraux/") {
		t.Fatalf("schedule: %d %q", status, loc)
	}
	_, body = s.do(t, sec, http.MethodGet, loc)
	if !strings.Contains(body, "Convocations envoyées avec le fichier d'agenda") || !strings.Contains(body, "mercredi 9 décembre 2026") {
		t.Fatal("the oral's page does not confirm the convocations")
	}
	_, body = s.do(t, sec, http.MethodGet, "/courriels")
	if strings.Count(body, "Pièce jointe : convocation.ics") != 3 {
		t.Fatalf("the outbox shows %d convocations with their calendar file", strings.Count(body, "Pièce jointe : convocation.ics"))
	}
	_, body = s.do(t, sec, http.MethodGet, "/oraux")
	if !strings.Contains(body, "Planning des oraux") || !strings.Contains(body, "09/12/2026 de 14:00 à 15:00") {
		t.Fatal("the planning does not list the oral")
	}
}
