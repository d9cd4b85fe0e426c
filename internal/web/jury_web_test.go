package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

// confirmClose is the president's confirmation that closes a session.
var confirmClose = url.Values{"confirm": {"1"}}

// confirmIssue is the secretariat's confirmation that issues a session's documents.
var confirmIssue = url.Values{"confirm": {"1"}}

func init() { sampleSources = append(sampleSources, jurySamples) }

// juryFixture puts the fixture's jury member and president on the roster, schedules a
// session, gives candidates A and B their continuous marks and the hours and internship the
// gates before the jury ask, moves them to "awaiting jury" (with rows, their grids are
// submitted first: one string of 15 marks per evaluator for C1–C15) and presents them.
func juryFixture(t testing.TB, w *servicetest.World, rows map[domain.Evaluator]string) (sessionID, enrolmentA, enrolmentB string) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.SetJuryRosterMember(ctx, sys, w.UserIDs[w.Accounts[domain.RoleJuryMember]], service.CollegeUnions))
	must(svc.SetJuryRosterMember(ctx, sys, w.UserIDs[w.Accounts[domain.RoleJuryPresident]], service.CollegeCPNEFPPresident))
	js, err := svc.ScheduleJurySession(ctx, sys, service.JurySessionInput{Date: "10/12/2026", Time: "14:00", Place: "Paris, salle Turgot"})
	must(err)
	var enrolments []string
	for _, id := range []string{w.CandidateA, w.CandidateB} {
		c, err := svc.Candidate(ctx, sys, id)
		must(err)
		e := c.Enrolments[0]
		held, err := svc.HeldBlocks(ctx, sys, id) // another sample's session may have given some
		must(err)
		for _, b := range e.Blocks {
			if slices.ContainsFunc(held, func(h service.HeldBlock) bool { return h.BlockCode == b }) {
				continue // acquired for good: not marked again
			}
			_, err := svc.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: "14"})
			must(err)
		}
		w.MeetJuryGates(t, e.ID)
		if rows != nil {
			for _, ev := range domain.Evaluators {
				in := service.GridInput{Marks: map[string]string{"OPT1-C1": "A", "OPT2-C1": "A"}}
				for i, m := range strings.Fields(rows[ev]) {
					in.Marks[fmt.Sprintf("C%d", i+1)] = m
				}
				if ev == domain.EvaluatorCommission {
					in.ReasonedOpinion = "Relation client maîtrisée ; argumentaire à consolider."
				}
				_, err := svc.SubmitGrid(ctx, sys, e.ID, ev, in)
				must(err)
			}
		}
		for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
			_, err := svc.SetEnrolmentStatus(ctx, sys, id, e.ID, st, "")
			must(err)
		}
		enrolments = append(enrolments, e.ID)
	}
	_, err = svc.PresentJuryCandidates(ctx, sys, js.ID, enrolments)
	must(err)
	return js.ID, enrolments[0], enrolments[1]
}

// otherJurySession schedules a session of side B: the fixture's jury member and president are
// not invited to it, and it hears a third candidate. It returns the session and the enrolment.
func otherJurySession(t testing.TB, w *servicetest.World) (sessionID, enrolmentID string) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := svc.CreateCandidate(ctx, sys, service.CandidateInput{
		Candidate: domain.Candidate{BirthName: "Nguyễn", FirstNames: "Bérénice", BirthDate: domain.NewDate(1990, 6, 2),
			Sex: domain.SexFemale, BirthINSEE: "69123", BirthCity: "Lyon"},
		Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicEmployee,
			TrainingOrganisationID: w.OrgB, CompanyID: w.CompanyB, Blocks: []string{"OPT1", "OPT2"}}})
	must(err)
	e := c.Enrolments[0]
	for _, b := range e.Blocks {
		_, err := svc.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: "14"})
		must(err)
	}
	w.MeetJuryGates(t, e.ID)
	for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		_, err := svc.SetEnrolmentStatus(ctx, sys, c.ID, e.ID, st, "")
		must(err)
	}
	js, err := svc.ScheduleJurySession(ctx, sys, service.JurySessionInput{Date: "11/12/2026", Time: "09:00", Place: "Lyon"})
	must(err)
	_, err = svc.PresentJuryCandidates(ctx, sys, js.ID, []string{e.ID})
	must(err)
	return js.ID, e.ID
}

func jurySamples(t testing.TB, w *servicetest.World) routeSamples {
	id, a, b := juryFixture(t, w, nil)
	// The fixture's jury member and president are invited to this session (side A), not to
	// the other one (side B), which they may not read.
	jurors := []string{w.UserIDs[w.Accounts[domain.RoleJuryMember]], w.UserIDs[w.Accounts[domain.RoleJuryPresident]]}
	if _, err := w.Service.InviteJuryMembers(context.Background(), domain.SystemActor("test"), id, jurors); err != nil {
		t.Fatal(err)
	}
	otherID, otherEnrolment := otherJurySession(t, w)
	s, other := "/jury/sessions/"+id, "/jury/sessions/"+otherID
	return routeSamples{CrossScope: map[string]string{
		"/jury/sessions/{id}":                       other,
		"/jury/sessions/{id}/pv.pdf":                other + "/pv.pdf",
		"/jury/sessions/{id}/candidats/{enrolment}": other + "/candidats/" + otherEnrolment,
	}, Paths: map[string]string{
		"/jury/membres/{user}/retrait":                                            "/jury/membres/" + w.UserIDs[w.Accounts[domain.RoleJuryMember]] + "/retrait",
		"/jury/sessions/{id}":                                                     s,
		"/jury/sessions/{id}/invitations":                                         s + "/invitations",
		"/jury/sessions/{id}/presences":                                           s + "/presences",
		"/jury/sessions/{id}/candidats":                                           s + "/candidats",
		"/jury/sessions/{id}/derogations":                                         s + "/derogations",
		"/jury/sessions/{id}/ouverture":                                           s + "/ouverture",
		"/jury/sessions/{id}/cloture":                                             s + "/cloture",
		"/jury/sessions/{id}/rectification":                                       s + "/rectification",
		"/jury/sessions/{id}/pv.pdf":                                              s + "/pv.pdf",
		"/jury/sessions/{id}/candidats/{enrolment}":                               s + "/candidats/" + a,
		"/jury/sessions/{id}/candidats/{enrolment}/retrait":                       s + "/candidats/" + b + "/retrait",
		"/jury/sessions/{id}/candidats/{enrolment}/decisions":                     s + "/candidats/" + a + "/decisions",
		"/jury/sessions/{id}/candidats/{enrolment}/decisions/{block}/suppression": s + "/candidats/" + a + "/decisions/BC2/suppression",
	}}
}

var guideWebRows = map[domain.Evaluator]string{
	domain.EvaluatorTrainingOrganisation: "A A A A A NA A A A A A A A A A",
	domain.EvaluatorCompanyReferent:      "A A A A A A NA NA NA NA NA NA NA A A",
	domain.EvaluatorCommission:           "A A A A A A A A A A A A A NA NA",
}

// attend invites the fixture's jury member and president and records them present.
func attend(t *testing.T, w *servicetest.World, sessionID string) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	both := []string{w.UserIDs[w.Accounts[domain.RoleJuryMember]], w.UserIDs[w.Accounts[domain.RoleJuryPresident]]}
	if _, err := w.Service.InviteJuryMembers(ctx, sys, sessionID, both); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Service.RecordJuryAttendance(ctx, sys, sessionID, both); err != nil {
		t.Fatal(err)
	}
}

func TestJurySessionScreenRefusesToDeliberateBelowQuorumAndSaysHowManyAreMissing(t *testing.T) {
	s := newSite(t)
	id, _, _ := juryFixture(t, s.world, guideWebRows)
	attend(t, s.world, id)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	status, _, body := s.post(t, sec, "/jury/sessions/"+id+"/ouverture", nil)
	if status != http.StatusConflict || !strings.Contains(body, "Quorum non atteint : 2 présents sur 4 requis, il manque 2 membres.") {
		t.Fatalf("status %d, body %.600s", status, body)
	}
	status, body = s.do(t, sec, http.MethodGet, "/jury/sessions/"+id)
	if status != http.StatusOK || !strings.Contains(body, "il manque 2 membres") || !strings.Contains(body, "Éloïse LEFÈVRE") ||
		!strings.Contains(body, "BC2 : <strong>à décider</strong>") || strings.Contains(body, "Avis motivé de la commission") {
		t.Fatalf("session screen (a compact list, the grids on each candidate's page): status %d, body %.600s", status, body)
	}
	status, body = s.do(t, sec, http.MethodGet, "/jury/sessions/"+id+"/candidats/"+s.world.EnrolmentA)
	if status != http.StatusOK || !strings.Contains(body, "BC2 en débat") || !strings.Contains(body, "Avis motivé de la commission") {
		t.Fatalf("candidate screen: status %d, body %.600s", status, body)
	}
}

func TestAJuryMemberReadsTheDebatesButCannotDecide(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	if _, err := s.world.Service.SaveJurySettings(ctx, domain.SystemActor("test"), service.JurySettingsInput{Quorum: "2"}); err != nil {
		t.Fatal(err)
	}
	id, a, _ := juryFixture(t, s.world, guideWebRows)
	attend(t, s.world, id)
	if _, err := s.world.Service.OpenJuryDeliberation(ctx, domain.SystemActor("test"), id); err != nil {
		t.Fatal(err)
	}
	member := s.client(t, s.world.Accounts[domain.RoleJuryMember])
	status, body := s.do(t, member, http.MethodGet, "/jury/sessions/"+id+"/candidats/"+a)
	if status != http.StatusOK || !strings.Contains(body, "BC2 en débat : la commission d'évaluation l'a jugé acquis") ||
		strings.Contains(body, "Enregistrer la décision") || strings.Contains(body, `name="reason"`) {
		t.Fatalf("the jury member's page: status %d, body %.600s", status, body)
	}
	status, _, _ = s.post(t, member, "/jury/sessions/"+id+"/candidats/"+a+"/decisions",
		url.Values{"block": {"BC2"}, "decision": {"A"}, "reason": {"Convaincant"}})
	if status != http.StatusForbidden {
		t.Fatalf("a jury member decided: %d", status)
	}
	status, _, _ = s.post(t, member, "/jury/sessions/"+id+"/cloture", confirmClose)
	if status != http.StatusForbidden {
		t.Fatalf("a jury member closed: %d", status)
	}
}

func TestThePresidentClosesTheSessionAndTheMinutesDownload(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	if _, err := s.world.Service.SaveJurySettings(ctx, sys, service.JurySettingsInput{Quorum: "2", JuryPresidentName: "Bruno Lemaître"}); err != nil {
		t.Fatal(err)
	}
	id, a, b := juryFixture(t, s.world, guideWebRows)
	attend(t, s.world, id)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	president := s.client(t, s.world.Accounts[domain.RoleJuryPresident])
	session := "/jury/sessions/" + id

	if status, loc, _ := s.post(t, sec, session+"/ouverture", nil); status != http.StatusSeeOther || loc != session {
		t.Fatalf("opening: %d %s", status, loc)
	}
	decisions := session + "/candidats/" + a + "/decisions"
	status, _, body := s.post(t, sec, decisions, url.Values{"block": {"BC2"}, "decision": {"A"}, "reason": {" "}, "referent_opinion": {"Avis favorable"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez le motif de la décision") || !strings.Contains(body, "Avis favorable") {
		t.Fatalf("a decision without a reason: status %d, body %.600s", status, body)
	}
	status, _, body = s.post(t, sec, decisions, url.Values{"block": {"BC5"}, "decision": {"A"}, "reason": {"Indulgence"}})
	if status != http.StatusConflict || !strings.Contains(body, "sa voix est prépondérante") {
		t.Fatalf("a decision on the commission's not acquired: status %d, body %.600s", status, body)
	}
	status, _, body = s.post(t, president, session+"/cloture", confirmClose)
	if status != http.StatusConflict || !strings.Contains(body, "BC2, BC3, BC4 en débat sans décision du jury") {
		t.Fatalf("closing with undecided debates: status %d, body %.600s", status, body)
	}
	for _, e := range []string{a, b} {
		for block, d := range map[string]string{"BC2": "A", "BC3": "NA", "BC4": "A"} {
			status, loc, _ := s.post(t, sec, session+"/candidats/"+e+"/decisions", url.Values{"block": {block}, "decision": {d}, "reason": {"Motif énoncé pour " + block}})
			if status != http.StatusSeeOther || !strings.HasSuffix(loc, "#bloc-"+block) {
				t.Fatalf("decision on %s: %d %s", block, status, loc)
			}
		}
	}
	if status, _, _ := s.post(t, sec, session+"/cloture", confirmClose); status != http.StatusForbidden {
		t.Fatalf("the secretariat closed: %d", status)
	}
	if _, body := s.do(t, president, http.MethodGet, session); !strings.Contains(html.UnescapeString(body), "2 candidats en validation partielle : une attestation par bloc acquis.") ||
		!strings.Contains(body, "6 décisions du jury sur des blocs en débat, avec leurs motifs.") {
		t.Fatalf("the closing form does not say what becomes final: %s", mainOf(body))
	}
	if status, _, body := s.post(t, president, session+"/cloture", nil); status != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(body), "Cochez la case pour confirmer") {
		t.Fatalf("closing without confirming: %d %.400s", status, mainOf(body))
	}
	if status, loc, body := s.post(t, president, session+"/cloture", confirmClose); status != http.StatusSeeOther || loc != session {
		t.Fatalf("the president's closing: %d %s %.400s", status, loc, mainOf(body))
	}
	status, body = s.do(t, president, http.MethodGet, session)
	if status != http.StatusOK || !strings.Contains(body, "close") || !strings.Contains(body, "Télécharger le procès-verbal") ||
		!strings.Contains(body, "Motif énoncé pour BC3") || strings.Contains(body, "Clore la session") {
		t.Fatalf("the closed session: status %d, body %.600s", status, body)
	}
	res, err := president.Get(s.URL + session + "/pv.pdf")
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(string(pdf), "%PDF-") || !strings.Contains(res.Header.Get("Content-Disposition"), "pv-jury-2026-12-10-") {
		t.Fatalf("minutes: %d %s %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	if status, _, body := s.post(t, sec, decisions, url.Values{"block": {"BC3"}, "decision": {"A"}, "reason": {"Revirement"}}); status != http.StatusConflict ||
		!strings.Contains(body, "La session est close") {
		t.Fatalf("a decision after closing: %d %.300s", status, body)
	}
}

func TestTheRosterPageCountsCollegesAndSavesTheQuorum(t *testing.T) {
	s := newSite(t)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	member := s.world.UserIDs[s.world.Accounts[domain.RoleJuryMember]]
	if status, _, _ := s.post(t, sec, "/jury/membres", url.Values{"user": {member}, "college": {"unions"}}); status != http.StatusSeeOther {
		t.Fatalf("adding a member: %d", status)
	}
	status, body := s.do(t, sec, http.MethodGet, "/jury/membres")
	if status != http.StatusOK || !strings.Contains(body, "Organisations syndicales de salariés") || !strings.Contains(body, "jury_member@cqp.test") {
		t.Fatalf("roster: %d %.600s", status, body)
	}
	status, _, body = s.post(t, sec, "/jury/parametres", url.Values{"quorum": {"quinze"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Le quorum est un nombre entier de membres") || !strings.Contains(body, `value="quinze"`) {
		t.Fatalf("a wrong quorum: %d %.600s", status, body)
	}
	if status, _, _ := s.post(t, sec, "/jury/parametres", url.Values{"quorum": {"5"}}); status != http.StatusSeeOther {
		t.Fatalf("saving the quorum: %d", status)
	}
	status, loc, _ := s.post(t, sec, "/jury/sessions", url.Values{"date": {"2026-12-10"}, "time": {"14:00"}, "video_link": {"https://visio.example.fr/jury"}})
	if status != http.StatusSeeOther {
		t.Fatalf("scheduling: %d", status)
	}
	if _, body := s.do(t, sec, http.MethodGet, loc); !strings.Contains(body, "0 présent sur 5 requis, il manque 5 membres") {
		t.Fatalf("the new session does not carry the saved quorum: %.600s", body)
	}
}

// mainOf returns the page's main content, for failure messages.
func mainOf(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		return body[i:]
	}
	return body
}

func TestAJuryMemberGets404OnTheSessionsTheyAreNotInvitedTo(t *testing.T) {
	s := newSite(t)
	id, a, _ := juryFixture(t, s.world, nil)
	attend(t, s.world, id)
	other, enrolment := otherJurySession(t, s.world)
	for _, role := range []domain.Role{domain.RoleJuryMember, domain.RoleJuryPresident} {
		c := s.client(t, s.world.Accounts[role])
		for _, path := range []string{"/jury/sessions/" + other, "/jury/sessions/" + other + "/pv.pdf",
			"/jury/sessions/" + other + "/candidats/" + enrolment} {
			if status, _ := s.do(t, c, http.MethodGet, path); status != http.StatusNotFound {
				t.Errorf("%s read %s: %d, want 404", role, path, status)
			}
		}
		status, body := s.do(t, c, http.MethodGet, "/jury/sessions")
		if status != http.StatusOK || !strings.Contains(body, "/jury/sessions/"+id) || strings.Contains(body, "/jury/sessions/"+other) {
			t.Errorf("%s's list of sessions: %d %.600s", role, status, mainOf(body))
		}
		if status, _ := s.do(t, c, http.MethodGet, "/jury/sessions/"+id); status != http.StatusOK {
			t.Errorf("%s cannot read their own session: %d", role, status)
		}
	}
	president := s.client(t, s.world.Accounts[domain.RoleJuryPresident])
	// Invited but recorded absent, the president reads the session and is told why they may not decide.
	if _, err := s.world.Service.RecordJuryAttendance(context.Background(), domain.SystemActor("test"), id,
		[]string{s.world.UserIDs[s.world.Accounts[domain.RoleJuryMember]]}); err != nil {
		t.Fatal(err)
	}
	status, body := s.do(t, president, http.MethodGet, "/jury/sessions/"+id+"/candidats/"+a)
	if status != http.StatusOK || !strings.Contains(body, "Vous n'êtes pas enregistré comme présent à cette session") ||
		strings.Contains(body, "Supprimer la décision") || strings.Contains(body, `name="reason"`) {
		t.Errorf("the absent president's candidate page: %d %.600s", status, mainOf(body))
	}
	if status, _, _ := s.post(t, president, "/jury/sessions/"+other+"/cloture", confirmClose); status != http.StatusNotFound {
		t.Errorf("the president closed a session they are not invited to: %d, want 404", status)
	}
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	if status, _ := s.do(t, sec, http.MethodGet, "/jury/sessions/"+other); status != http.StatusOK {
		t.Errorf("the secretariat cannot read the session: %d", status)
	}
}
