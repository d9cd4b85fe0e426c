package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

// apiClient is one person's own system calling the JSON API with the token they created for
// themselves on « Mon compte ».
type apiClient struct {
	t     *testing.T
	base  string
	email string
	token string
}

var newTokenRE = regexp.MustCompile(`id="nouveau-jeton"[^>]*value="([^"]+)"`)

// apiToken logs the account in over HTTP and creates a token on « Mon compte », as its owner
// would before configuring their system, and returns a client carrying it.
func apiToken(t *testing.T, base, email string) *apiClient {
	t.Helper()
	web := login(t, base, email)
	status, _, body := web.post("/compte/jetons", url.Values{"name": {"Logiciel de l'organisme"}, "days": {"30"}})
	m := newTokenRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("%s creating a token: status %d, body %s", email, status, excerpt(body))
	}
	return &apiClient{t: t, base: base, email: email, token: m[1]}
}

// do sends a request to the API (body nil: none; key "": no Idempotency-Key) and returns the
// answer's status, headers and body.
func (c *apiClient) do(method, path string, body any, key string) (int, http.Header, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res.StatusCode, res.Header, raw
}

// call sends a request that must answer want, and decodes its JSON answer into out (nil: not
// read).
func (c *apiClient) call(method, path string, body any, key string, want int, out any) http.Header {
	c.t.Helper()
	status, h, raw := c.do(method, path, body, key)
	if status != want {
		c.t.Fatalf("%s %s %s: status %d, want %d: %s", c.email, method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s %s: %v in %s", c.email, method, path, err, raw)
		}
	}
	return h
}

// apiGrid is a submitted grid: every competence C1–C15 acquired, the optional blocks too;
// the commission adds its oral and its reasoned opinion.
func apiGrid(commission bool) map[string]any {
	marks := map[string]string{"OPT1-C1": "A", "OPT2-C1": "A"}
	for i := 1; i <= 15; i++ {
		marks[fmt.Sprintf("C%d", i)] = "A"
	}
	g := map[string]any{"marks": marks, "comment": "Évaluation conduite selon le référentiel."}
	if commission {
		g["career_presentation"] = "Parcours présenté avec clarté."
		g["practical_case"] = "Cas pratique traité avec méthode."
		g["knowledge_question"] = "Réponse juste sur le devoir de conseil."
		g["open_questions"] = "Échanges ouverts et argumentés."
		g["reasoned_opinion"] = "Candidate à l'aise avec la relation client ; argumentaire à consolider."
	}
	return g
}

// Issue 17: an organisation's own system runs the formation route through the JSON API alone,
// each actor with the token they created themselves, from the action's declaration to the
// three submitted grids; the jury deliberates in the web interface; the certificate's PDF is
// then downloaded through the API and verified by its code. docs/api.md's examples are the
// bodies sent here.
func TestAPIFormationRouteToTheCertificate(t *testing.T) {
	base, w := startServer(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")

	// A commission has two voting members: the fixture's and a second one.
	second, err := w.Service.CreateUser(ctx, sys, service.UserInput{Email: "commission2@cqp.test", Name: "Membre de commission n° 2",
		Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}})
	if err != nil {
		t.Fatal(err)
	}
	memberID := w.UserIDs[w.Accounts[domain.RoleCommissionMember]]
	referentID := w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]

	of := apiToken(t, base, w.Accounts[domain.RoleTrainingOrganisation])
	sec := apiToken(t, base, w.Accounts[domain.RoleSecretariat])
	referent := apiToken(t, base, w.Accounts[domain.RoleCompanyReferent])
	member := apiToken(t, base, w.Accounts[domain.RoleCommissionMember])
	var me struct {
		Email string `json:"email"`
		Token struct {
			Name      string `json:"name"`
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	of.call("GET", "/me", nil, "", http.StatusOK, &me)
	if me.Email != of.email || me.Token.Name != "Logiciel de l'organisme" || me.Token.ExpiresAt == "" {
		t.Fatalf("the token's account: %+v", me)
	}

	// The organisation declares its action; the secretariat examines it.
	var action struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	h := of.call("POST", "/actions", map[string]any{"training_organisation_id": w.OrgA, "qualification": "CC", "route": "formation",
		"title": "CQP Chargé de clientèle — promotion 2027", "starts_on": "2027-01-04", "ends_on": "2027-06-30", "place": "Paris",
		"planned_hours": 600, "company_ids": []string{w.CompanyA}}, "action-2027-paris", http.StatusCreated, &action)
	if h.Get("Location") != "/api/v1/actions/"+action.ID || action.ID == "" {
		t.Fatalf("declared action %+v at %q", action, h.Get("Location"))
	}
	var actions struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Total  int `json:"total"`
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
	}
	of.call("GET", "/actions?limit=1&offset=0", nil, "", http.StatusOK, &actions)
	if actions.Total != 1 || len(actions.Items) != 1 || actions.Items[0].ID != action.ID || actions.Limit != 1 {
		t.Fatalf("the organisation's actions: %+v", actions)
	}
	var reviewed struct {
		Status string `json:"status"`
	}
	sec.call("POST", "/actions/"+action.ID+"/review", map[string]any{"note": "Calendrier et volume horaire conformes."}, "",
		http.StatusOK, &reviewed)
	if reviewed.Status == action.Status {
		t.Fatalf("the review left the action %q", reviewed.Status)
	}

	// The organisation enrols a candidate after the interview, with her company's referent.
	var enrolment struct {
		ID          string `json:"id"`
		Eligibility struct {
			Eligible bool `json:"eligible"`
		} `json:"eligibility"`
	}
	of.call("POST", "/actions/"+action.ID+"/enrolments", map[string]any{
		"candidate": map[string]string{"birth_name": "Dupré", "first_names": "Anaïs", "sex": "F", "birth_date": "1996-04-12",
			"birth_insee": "75056", "birth_city": "Paris", "email": "anais.dupre@exemple.fr"},
		"public": "employee", "company_id": w.CompanyA, "referent_user_id": referentID, "blocks": []string{"OPT1", "OPT2"},
		"intake": map[string]any{"interview_on": "2026-11-02", "project": "Devenir chargée de clientèle en cabinet de courtage.",
			"motivation": "Relation client et conseil.", "diploma_level": 4, "experience_months": 24, "related_experience_months": 12},
	}, "", http.StatusCreated, &enrolment)
	if !enrolment.Eligibility.Eligible {
		t.Fatalf("the enrolment is not eligible: %+v", enrolment)
	}
	e := "/enrolments/" + enrolment.ID
	status := func(s string) {
		t.Helper()
		of.call("POST", e+"/status", map[string]string{"status": s}, "", http.StatusOK, nil)
	}
	status("in_training")

	// Hours by batch: what the route owes, spread over the blocks, read from the follow-up.
	var fu struct {
		Blocks []struct {
			Code string `json:"code"`
		} `json:"blocks"`
		Hours struct {
			TrainingOwed   int  `json:"training_owed"`
			InternshipOwed int  `json:"internship_owed"`
			Met            bool `json:"met"`
		} `json:"hours"`
	}
	of.call("GET", e+"/followup", nil, "", http.StatusOK, &fu)
	if len(fu.Blocks) == 0 || fu.Hours.InternshipOwed != 0 {
		t.Fatalf("the follow-up: %+v", fu)
	}
	each := (fu.Hours.TrainingOwed + len(fu.Blocks) - 1) / len(fu.Blocks)
	var hourRows []map[string]any
	for _, b := range fu.Blocks {
		hourRows = append(hourRows, map[string]any{"enrolment_id": enrolment.ID, "block_code": b.Code, "planned_hours": each, "hours": each})
	}
	var hours struct {
		Rows, Enrolments, Changed int
	}
	of.call("POST", "/training-hours/batch", map[string]any{"items": hourRows}, "heures-2026-11-24", http.StatusOK, &hours)
	if hours.Rows != len(fu.Blocks) || hours.Enrolments != 1 || hours.Changed != len(fu.Blocks) {
		t.Fatalf("the hours batch: %+v", hours)
	}
	of.call("GET", e+"/followup", nil, "", http.StatusOK, &fu)
	if !fu.Hours.Met {
		t.Fatalf("the hours owed are not met after the batch: %+v", fu.Hours)
	}

	// Marks by batch. A batch with one bad row writes nothing, and says which row is wrong.
	countMarks := func() int {
		t.Helper()
		var ev struct {
			Blocks []struct {
				Assessments []json.RawMessage `json:"assessments"`
			} `json:"blocks"`
		}
		of.call("GET", e+"/continuous-marks", nil, "", http.StatusOK, &ev)
		n := 0
		for _, b := range ev.Blocks {
			n += len(b.Assessments)
		}
		return n
	}
	row := func(block, mark string) map[string]string {
		return map[string]string{"enrolment_id": enrolment.ID, "block": block, "label": "Étude de cas", "on": "2026-11-20", "mark": mark}
	}
	var problem struct {
		Status int               `json:"status"`
		Errors map[string]string `json:"errors"`
	}
	st, hd, raw := of.do("POST", "/continuous-marks/batch", map[string]any{"items": []any{row("BC1", "14"), row("BC2", "25")}}, "notes-essai-1")
	if err := json.Unmarshal(raw, &problem); err != nil || st != http.StatusUnprocessableEntity ||
		!strings.HasPrefix(hd.Get("Content-Type"), "application/problem+json") ||
		!strings.HasPrefix(problem.Errors["items[1].mark"], "Ligne 2 : ") || len(problem.Errors) != 1 {
		t.Fatalf("a batch with a mark of 25/20: status %d, %s", st, raw)
	}
	if n := countMarks(); n != 0 {
		t.Fatalf("a refused batch wrote %d marks", n)
	}
	var marks []any
	for _, b := range []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"} {
		marks = append(marks, row(b, "14,5"))
	}
	batch := map[string]any{"items": marks}
	var recorded struct {
		Recorded int `json:"recorded"`
	}
	st, hd, first := of.do("POST", "/continuous-marks/batch", batch, "notes-2026-11-20")
	if err := json.Unmarshal(first, &recorded); err != nil || st != http.StatusCreated || recorded.Recorded != len(marks) ||
		hd.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the marks batch: status %d, %s", st, first)
	}
	// The network dropped the answer: the system sends the same request with the same key.
	st, hd, again := of.do("POST", "/continuous-marks/batch", batch, "notes-2026-11-20")
	if st != http.StatusCreated || hd.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first, again) {
		t.Fatalf("the retried batch: status %d, replayed %q, %s", st, hd.Get("Idempotent-Replayed"), again)
	}
	if n := countMarks(); n != len(marks) {
		t.Fatalf("after the retry: %d marks, want %d", n, len(marks))
	}
	// The same key for another body is refused: a new write needs a new key.
	if st, _, raw := of.do("POST", "/continuous-marks/batch", map[string]any{"items": marks[:1]}, "notes-2026-11-20"); st != http.StatusUnprocessableEntity {
		t.Fatalf("a key reused for another body: status %d, %s", st, raw)
	}
	status("final_evaluation")

	// The referent writes the logbook and submits their grid; the organisation submits its own.
	var logbook struct {
		Added int `json:"added"`
	}
	referent.call("POST", e+"/logbook", map[string]any{"on": "2026-11-18", "body": "Visite en entreprise : accueil client maîtrisé.",
		"competences": map[string]string{"C1": "A", "C2": "A"}}, "", http.StatusCreated, &logbook)
	if logbook.Added < 2 {
		t.Fatalf("the logbook visit added %d entries", logbook.Added)
	}
	var grid struct {
		Locked  bool `json:"locked"`
		Current struct {
			Status string `json:"status"`
		} `json:"current"`
	}
	referent.call("POST", e+"/grids/company-referent/submission", apiGrid(false), "", http.StatusOK, &grid)
	if grid.Current.Status != "submitted" {
		t.Fatalf("the referent's grid: %+v", grid)
	}
	of.call("POST", e+"/grids/training-organisation/submission", apiGrid(false), "", http.StatusOK, nil)

	// The secretariat forms a commission and schedules the oral; a member submits its grid.
	var commission struct {
		ID string `json:"id"`
	}
	sec.call("POST", "/commissions", map[string]any{"name": "Commission de Paris — décembre 2026", "member_ids": []string{memberID, second.ID}},
		"", http.StatusCreated, &commission)
	var oral struct {
		Oral struct {
			ID string `json:"id"`
		} `json:"oral"`
	}
	sec.call("POST", "/commissions/"+commission.ID+"/orals", map[string]any{"enrolment_id": enrolment.ID, "date": "2026-12-01",
		"time": "09:00", "duration_minutes": 45, "place": "Paris, salle Colbert"}, "", http.StatusCreated, &oral)
	member.call("GET", "/orals/"+oral.Oral.ID, nil, "", http.StatusOK, nil)
	member.call("POST", e+"/grids/commission/submission", apiGrid(true), "", http.StatusOK, nil)
	status("awaiting_jury")

	// The jury deliberates in the web interface, where the president signs.
	secWeb := login(t, base, w.Accounts[domain.RoleSecretariat])
	president := login(t, base, w.Accounts[domain.RoleJuryPresident])
	secWeb.submit("/parametres", url.Values{"signature_place": {"Paris"}, "quorum": {"2"},
		"jury_president_name": {"Bruno Lemaître"}, "csca_president_name": {"Hélène Duval"}, "cpne_president_name": {"Marc Girard"}})
	jurors := []string{w.UserIDs[w.Accounts[domain.RoleJuryPresident]], w.UserIDs[w.Accounts[domain.RoleJuryMember]]}
	for i, college := range []string{"cpnefp_president", "unions"} {
		secWeb.submit("/jury/membres", url.Values{"user": {jurors[i]}, "college": {college}})
	}
	session := secWeb.submit("/jury/sessions", url.Values{"date": {"2026-12-10"}, "time": {"14:00"}, "place": {"Paris, salle Turgot"}})
	sessionID := strings.TrimPrefix(session, "/jury/sessions/")
	secWeb.submit(session+"/invitations", url.Values{"members": jurors})
	secWeb.submit(session+"/candidats", url.Values{"enrolments": {enrolment.ID}})
	secWeb.submit(session+"/presences", url.Values{"present": jurors})
	secWeb.submit(session+"/ouverture", nil)
	president.submit(session+"/cloture", confirmClose)
	var js struct {
		Session struct {
			Status string `json:"status"`
		} `json:"session"`
		Candidates []struct {
			EnrolmentID string `json:"enrolment_id"`
			Outcome     string `json:"outcome"`
		} `json:"candidates"`
	}
	sec.call("GET", "/jury-sessions/"+sessionID, nil, "", http.StatusOK, &js)
	if js.Session.Status != "closed" || len(js.Candidates) != 1 || js.Candidates[0].EnrolmentID != enrolment.ID ||
		js.Candidates[0].Outcome != "certified" {
		t.Fatalf("the closed session through the API: %+v", js)
	}
	var closed struct {
		Status string `json:"status"`
	}
	of.call("GET", e, nil, "", http.StatusOK, &closed)
	if closed.Status != "certified" {
		t.Fatalf("the enrolment after the jury: %q", closed.Status)
	}

	// The secretariat issues the documents; the certificate is read through the API.
	w.ConfirmFrameworks(t)
	secWeb.submit("/delivrance/"+sessionID, confirmIssue)
	var certs struct {
		Items []struct {
			ID               string `json:"id"`
			Kind             string `json:"kind"`
			EnrolmentID      string `json:"enrolment_id"`
			VerificationCode string `json:"verification_code"`
			PDF              string `json:"pdf"`
		} `json:"items"`
		Total int `json:"total"`
	}
	sec.call("GET", "/certificates?session="+sessionID+"&kind=certificate", nil, "", http.StatusOK, &certs)
	if certs.Total != 1 || len(certs.Items) != 1 || certs.Items[0].EnrolmentID != enrolment.ID {
		t.Fatalf("the session's certificates: %+v", certs)
	}
	cert := certs.Items[0]
	st, hd, pdf := sec.do("GET", strings.TrimPrefix(cert.PDF, "/api/v1"), nil, "")
	if st != http.StatusOK || hd.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the certificate's PDF: status %d, type %q, starts %q", st, hd.Get("Content-Type"), pdf[:min(len(pdf), 40)])
	}
	// The training organisation has no access to certificates.
	if st, _, _ := of.do("GET", "/certificates/"+cert.ID+"/pdf", nil, ""); st != http.StatusForbidden {
		t.Fatalf("the organisation downloading the certificate: status %d", st)
	}
	var verified struct {
		Status string `json:"status"`
		Kind   string `json:"kind"`
	}
	anyone := &apiClient{t: t, base: base, email: "(sans jeton)"}
	anyone.call("GET", "/verify/"+cert.VerificationCode, nil, "", http.StatusOK, &verified)
	if verified.Status != "valid" || verified.Kind != "certificate" {
		t.Fatalf("verifying the certificate: %+v", verified)
	}
}
