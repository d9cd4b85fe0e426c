package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

func init() { sampleSources = append(sampleSources, vaeStaffSamples) }

// vaeStaffSamples point the walk at the world's two VAE files: side A (admissible, reviewed by
// organisation A, followed by the adviser, heard by the commission) and side B (under review
// by organisation B).
func vaeStaffSamples(t testing.TB, w *servicetest.World) routeSamples {
	v := w.VAE(t)
	decision := staffLatestDecision(t, w, v.SideA)
	a, b := "/vae/"+v.SideA, "/vae/"+v.SideB
	return routeSamples{
		Paths: map[string]string{
			"/vae/{id}":                                 a,
			"/vae/{id}/versions/{version}":              a + "/versions/1",
			"/vae/{id}/envoi":                           a + "/envoi",
			"/vae/{id}/avis-demande":                    a + "/avis-demande",
			"/vae/{id}/avis":                            a + "/avis",
			"/vae/{id}/decision":                        a + "/decision",
			"/vae/{id}/decisions/{decision}/revocation": a + "/decisions/" + decision + "/revocation",
			"/vae/{id}/decisions/{decision}/lettre.pdf": a + "/decisions/" + decision + "/lettre.pdf",
			"/vae/{id}/accompagnateur":                  a + "/accompagnateur",
			"/vae/{id}/validite":                        a + "/validite",
			"/vae/{id}/commentaires":                    a + "/commentaires",
		},
		CrossScope: map[string]string{
			"/vae/{id}":                                 b,
			"/vae/{id}/versions/{version}":              b + "/versions/1",
			"/vae/{id}/avis":                            b + "/avis",
			"/vae/{id}/decisions/{decision}/lettre.pdf": b + "/decisions/" + decision + "/lettre.pdf",
		},
	}
}

// staffLatestDecision returns the id of the latest decision on a VAE file, as the secretariat
// reads it.
func staffLatestDecision(t testing.TB, w *servicetest.World, enrolmentID string) string {
	t.Helper()
	v, err := w.Service.VAE(context.Background(), w.Actor(t, w.Accounts[domain.RoleSecretariat]), enrolmentID)
	if err != nil || len(v.Decisions) == 0 {
		t.Fatalf("decisions of %s: %v", enrolmentID, err)
	}
	return v.Decisions[0].ID
}

func TestVAEFilesStayWithinEachAccountsScope(t *testing.T) {
	s := newSite(t)
	ctx, w := context.Background(), s.world
	v := w.VAE(t)
	decision := staffLatestDecision(t, w, v.SideA)
	if _, err := w.Service.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: "entreprise-b@cqp.test", Name: "Entreprise B",
		Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCompany, ScopeID: w.CompanyB}}}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*http.Client{"organisation B": s.client(t, w.OrgBAccount), "company B": s.client(t, "entreprise-b@cqp.test")} {
		t.Run(name+" sees side B and not side A", func(t *testing.T) {
			for _, path := range []string{"/vae/" + v.SideA, "/vae/" + v.SideA + "/versions/1", "/vae/" + v.SideA + "/decisions/" + decision + "/lettre.pdf"} {
				if status, _ := s.do(t, c, http.MethodGet, path); status != http.StatusNotFound {
					t.Errorf("%s: got %d, want 404", path, status)
				}
			}
			status, body := s.do(t, c, http.MethodGet, "/vae")
			if status != http.StatusOK || strings.Contains(body, "LEFÈVRE") || !strings.Contains(body, "MARTIN") {
				t.Errorf("the list shows side A's candidate or misses side B's (status %d): %.300s", status, body)
			}
			if status, _ := s.do(t, c, http.MethodGet, "/vae/"+v.SideB); status != http.StatusOK {
				t.Errorf("side B's own file: got %d", status)
			}
		})
	}
	t.Run("the company reads where the request stands, not the admissibility file", func(t *testing.T) {
		c := s.client(t, w.Accounts[domain.RoleCompany])
		_, body := s.do(t, c, http.MethodGet, "/vae/"+v.SideA)
		if !strings.Contains(body, "Recevable") || strings.Contains(body, "Cabinet Durand") || strings.Contains(body, "Expérience solide") {
			t.Errorf("the company's view of side A: %.600s", body)
		}
		if status, _ := s.do(t, c, http.MethodGet, "/vae/"+v.SideA+"/versions/1"); status != http.StatusSeeOther {
			t.Errorf("the company opened a version: %d", status)
		}
	})
	t.Run("the candidate goes straight to their only file", func(t *testing.T) {
		res, _ := s.fetch(t, s.client(t, w.Accounts[domain.RoleCandidate]), "/vae")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/vae/"+v.SideA {
			t.Errorf("status %d location %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestTheSecretariatRunsAVAERequestFromTheRequestToARevokedDecision(t *testing.T) {
	s := newSite(t)
	ctx, w := context.Background(), s.world
	sec, secActor := s.secretariat(t), w.Actor(t, w.Accounts[domain.RoleSecretariat])
	optional := w.OptionalBlocks(t, "IARD")

	form := url.Values{"birth_name": {"Garnier"}, "first_names": {"Inès"}, "birth_date": {"12/02/1990"}, "sex": {"F"},
		"birth_insee": {"13055"}, "birth_city": {"Marseille"}, "email": {"ines.garnier@example.test"}, "public": {"employee"},
		"blocks_IARD": optional, "message": {"Dix ans en agence."}}
	status, _, body := s.post(t, sec, "/vae/demande", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Garnier"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("a request without qualification: status %d: %.500s", status, body)
	}
	form.Set("qualification", "IARD")
	status, loc, body := s.post(t, sec, "/vae/demande", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/vae/") {
		t.Fatalf("request: status %d location %q: %.500s", status, loc, body)
	}
	id := strings.TrimPrefix(loc, "/vae/")
	_, page := s.do(t, sec, http.MethodGet, loc)
	for _, want := range []string{"est enregistrée", "Inès GARNIER", "Dix ans en agence.", `aria-current="step"`, "Envoyer par courriel", "ines.garnier@example.test"} {
		if !strings.Contains(page, want) {
			t.Errorf("the new file's page does not show %q", want)
		}
	}

	status, _, body = s.post(t, sec, loc+"/envoi", nil)
	if status != http.StatusSeeOther {
		t.Fatalf("send: %d %.300s", status, body)
	}
	if _, page = s.do(t, sec, http.MethodGet, loc); !strings.Contains(page, "envoyé par courriel à ines.garnier@example.test") {
		t.Errorf("the flash does not say where the file went: %.600s", page)
	}
	// The candidate returned it on paper: the secretariat types it in.
	if _, err := w.Service.SubmitAdmissibility(ctx, secActor, id, servicetest.CompleteAdmissibility(t, w, id)); err != nil {
		t.Fatal(err)
	}
	status, _, body = s.post(t, sec, loc+"/avis-demande", url.Values{"training_organisation": {w.OrgA}})
	if status != http.StatusSeeOther {
		t.Fatalf("review request: %d %.300s", status, body)
	}

	of := s.organisationA(t)
	status, page = s.do(t, of, http.MethodGet, loc+"/avis")
	if status != http.StatusOK {
		t.Fatalf("review page: %d", status)
	}
	for _, want := range []string{`class="side-by-side"`, "Cabinet Durand", "24 mois d'expérience en lien", `name="opinion"`, `name="comment"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the review page does not show %q", want)
		}
	}
	status, _, body = s.post(t, of, loc+"/avis", url.Values{"opinion": {"favourable"}, "comment": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(field(t, body, "comment"), "Argumentez votre avis") ||
		!strings.Contains(body, `value="favourable" checked`) {
		t.Fatalf("an opinion without comment: status %d: %.500s", status, body)
	}
	status, loc2, body := s.post(t, of, loc+"/avis", url.Values{"opinion": {"favourable"}, "comment": {"Expérience en lien, bien décrite."}})
	if status != http.StatusSeeOther || loc2 != loc {
		t.Fatalf("opinion: status %d location %q: %.300s", status, loc2, body)
	}
	if status, page = s.do(t, of, http.MethodGet, loc+"/avis"); status != http.StatusOK || !strings.Contains(page, "Expérience en lien, bien décrite.") ||
		strings.Contains(page, `name="comment"`) {
		t.Errorf("the given opinion is not shown read-only (status %d)", status)
	}

	status, _, body = s.post(t, sec, loc+"/decision", url.Values{"decision": {"admissible"}, "reason": {""}, "valid_until": {"25/11/2027"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(field(t, body, "reason"), "Motivez la décision") ||
		!strings.Contains(body, `value="25/11/2027"`) {
		t.Fatalf("a decision without reason: status %d: %.500s", status, body)
	}
	status, _, body = s.post(t, sec, loc+"/decision", url.Values{"decision": {"admissible"}, "reason": {"Deux ans en lien, avis favorable."},
		"valid_until": {"25/11/2027"}})
	if status != http.StatusSeeOther {
		t.Fatalf("decision: %d %.500s", status, body)
	}
	decision := staffLatestDecision(t, w, id)
	res, pdf := s.fetch(t, sec, loc+"/decisions/"+decision+"/lettre.pdf")
	if res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF")) ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("letter: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	_, page = s.do(t, sec, http.MethodGet, loc)
	for _, want := range []string{"Recevable jusqu'au 25/11/2027", "Deux ans en lien, avis favorable.", "Expérience en lien, bien décrite.",
		"Accompagnateur VAE", `name="adviser"`, "Révoquer la décision"} {
		if !strings.Contains(page, want) {
			t.Errorf("the decided file's page does not show %q", want)
		}
	}

	// The adviser: a form sent without a choice removes nobody; then the adviser comments.
	status, _, body = s.post(t, sec, loc+"/accompagnateur", url.Values{"adviser": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(field(t, body, "adviser"), "Aucun accompagnateur") {
		t.Errorf("an adviser form without a choice: %d", status)
	}
	adviser := w.Accounts[domain.RoleVAEAdviser]
	if status, _, body = s.post(t, sec, loc+"/accompagnateur", url.Values{"adviser": {w.UserIDs[adviser]}}); status != http.StatusSeeOther {
		t.Fatalf("adviser: %d %.300s", status, body)
	}
	adv := s.client(t, adviser)
	if _, page = s.do(t, adv, http.MethodGet, loc); !strings.Contains(page, `action="`+loc+`/commentaires"`) {
		t.Fatal("the adviser is not offered the comment form")
	}
	status, _, body = s.post(t, adv, loc+"/commentaires", url.Values{"block": {""}, "comment": {"Détaillez vos missions de souscription."}})
	if status != http.StatusSeeOther {
		t.Fatalf("comment: %d %.300s", status, body)
	}
	if _, page = s.do(t, sec, http.MethodGet, loc); !strings.Contains(page, "Ensemble du dossier</strong> : Détaillez vos missions de souscription.") {
		t.Error("the adviser's comment is not on the file")
	}

	status, _, body = s.post(t, sec, loc+"/decisions/"+decision+"/revocation", url.Values{"revoke_reason": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(field(t, body, "revoke_reason"), "Indiquez pourquoi") {
		t.Errorf("a revocation without reason: %d", status)
	}
	status, _, body = s.post(t, sec, loc+"/decisions/"+decision+"/revocation", url.Values{"revoke_reason": {"Date de validité erronée."}})
	if status != http.StatusSeeOther {
		t.Fatalf("revocation: %d %.500s", status, body)
	}
	_, page = s.do(t, sec, http.MethodGet, loc)
	for _, want := range []string{"révoquée", "Date de validité erronée.", "Avis de l'organisme rendu", "Décider de la recevabilité"} {
		if !strings.Contains(page, want) {
			t.Errorf("after the revocation the page does not show %q", want)
		}
	}
}

func TestARedirectedVAERequestCreatesTheFormationEnrolment(t *testing.T) {
	s := newSite(t)
	ctx, w := context.Background(), s.world
	secActor := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	out, err := w.Service.RequestVAE(ctx, secActor, service.VAERequestInput{
		Candidate: domain.Candidate{BirthName: "Moreau", FirstNames: "Gaëlle", BirthDate: domain.NewDate(1988, 6, 2), Sex: domain.SexFemale,
			BirthINSEE: "69123", BirthCity: "Lyon"},
		QualificationCode: "IARD", Public: domain.PublicEmployee, Blocks: w.OptionalBlocks(t, "IARD")})
	if err != nil {
		t.Fatal(err)
	}
	id := out.Enrolment.ID
	sent, err := w.Service.SendAdmissibilityFile(ctx, secActor, id)
	if err != nil || sent.ByMail {
		t.Fatalf("sent %+v: %v", sent, err)
	}
	if _, err := w.Service.SubmitAdmissibility(ctx, secActor, id, servicetest.CompleteAdmissibility(t, w, id)); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.RequestVAEReview(ctx, secActor, id, w.OrgA); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.GiveVAEReview(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), id,
		service.ReviewInput{Opinion: domain.OpinionUnfavourable, Comment: "Expérience trop éloignée de la VAE."}); err != nil {
		t.Fatal(err)
	}

	sec := s.secretariat(t)
	form := url.Values{"decision": {"redirected"}, "reason": {"La formation lui convient mieux."}, "redirect_route": {"formation"},
		"training_organisation": {w.OrgA}}
	// Organisation A holds no accreditation for IARD: the refusal is on the decision's own select.
	status, _, body := s.post(t, sec, "/vae/"+id+"/decision", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#f-redirect_organisation"`) ||
		!strings.Contains(body, `id="e-redirect_organisation"`) {
		t.Fatalf("an unaccredited organisation: status %d: %.800s", status, body)
	}
	if err := w.Service.AddAccreditation(ctx, secActor, domain.Accreditation{TrainingOrganisationID: w.OrgA, QualificationCode: "IARD",
		ValidFrom: domain.NewDate(2026, 1, 1), ValidUntil: domain.NewDate(2028, 12, 31)}); err != nil {
		t.Fatal(err)
	}
	status, _, body = s.post(t, sec, "/vae/"+id+"/decision", form)
	if status != http.StatusSeeOther {
		t.Fatalf("redirection: %d %.500s", status, body)
	}
	c, err := w.Service.Candidate(ctx, secActor, out.Candidate.ID)
	if err != nil || len(c.Enrolments) != 2 {
		t.Fatalf("enrolments %+v: %v", c.Enrolments, err)
	}
	var formation string
	for _, e := range c.Enrolments {
		switch e.Route {
		case domain.RouteVAE:
			if e.Status != domain.StatusWithdrawn {
				t.Errorf("the VAE enrolment is %s", e.Status)
			}
		case domain.RouteFormation:
			formation = e.ID
			if e.Status != domain.StatusEnrolled || e.TrainingOrganisationID != w.OrgA {
				t.Errorf("the formation enrolment: %+v", e)
			}
		}
	}
	_, page := s.do(t, sec, http.MethodGet, "/vae/"+id)
	for _, want := range []string{"Réorienté vers une autre voie", "Voie proposée : " + domain.RouteFormation.Label(), `href="/inscriptions/` + formation + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the redirected file's page does not show %q", want)
		}
	}
}

func TestTheVAEFileIsReachedFromTheDashboardTheOralAndTheCandidatesPage(t *testing.T) {
	s := newSite(t)
	ctx, w := context.Background(), s.world
	v := w.VAE(t)
	t.Run("dashboards count what waits and link to the list", func(t *testing.T) {
		for _, c := range []struct {
			email string
			want  []string
		}{
			{w.Accounts[domain.RoleSecretariat], []string{`<a href="/vae?statut=under_review"><span class="count">1</span> Avis d'organisme attendus`}},
			{w.OrgBAccount, []string{`<a href="/vae?statut=under_review"><span class="count">1</span> Dossiers de VAE à examiner`}},
			{w.Accounts[domain.RoleCompany], []string{`<span class="count">1</span> Demandes de VAE de vos salariés`}},
			{w.Accounts[domain.RoleCandidate], []string{"Votre demande de VAE", "Votre dossier d'expérience est déposé", `href="/vae/` + v.SideA + `"`}},
		} {
			if _, body := s.do(t, s.client(t, c.email), http.MethodGet, "/"); !staffPageHas(body, c.want) {
				t.Errorf("%s's dashboard misses one of %q", c.email, c.want)
			}
		}
		// A task with nothing waiting is not listed: the OF that was not asked has no file to review.
		if _, body := s.do(t, s.client(t, w.Accounts[domain.RoleTrainingOrganisation]), http.MethodGet, "/"); strings.Contains(body, "Dossiers de VAE à examiner") {
			t.Error("an empty task is listed on the dashboard")
		}
	})
	t.Run("the commission member goes from the oral to the experience file", func(t *testing.T) {
		member := w.Actor(t, w.Accounts[domain.RoleCommissionMember])
		planning, err := w.Service.Orals(ctx, member)
		if err != nil {
			t.Fatal(err)
		}
		oral := ""
		for _, o := range planning.Upcoming {
			if o.EnrolmentID == v.SideA {
				oral = o.ID
			}
		}
		if oral == "" {
			t.Fatal("no oral of side A's VAE file")
		}
		c := s.client(t, w.Accounts[domain.RoleCommissionMember])
		if _, body := s.do(t, c, http.MethodGet, "/oraux/"+oral); !staffPageHas(body, []string{`href="/vae/` + v.SideA + `/experience"`, `href="/vae/` + v.SideA + `"`}) {
			t.Error("the oral's page does not link to the VAE file")
		}
		status, body := s.do(t, c, http.MethodGet, "/vae/"+v.SideA)
		if status != http.StatusOK || !staffPageHas(body, []string{"Dossier d'expérience", `href="/vae/` + v.SideA + `/preuves/` + v.EvidenceA + `"`}) {
			t.Errorf("the member's view of the file (status %d): %.300s", status, body)
		}
		if strings.Contains(body, `action="/vae/`) {
			t.Error("the member is offered a form on the file")
		}
	})
	t.Run("the candidate's page links to the VAE file", func(t *testing.T) {
		_, body := s.do(t, s.secretariat(t), http.MethodGet, "/candidats/"+w.CandidateA)
		if !staffPageHas(body, []string{`href="/vae/` + v.SideA + `"`, `href="/vae/demande?candidat=` + w.CandidateA + `"`}) {
			t.Error("the candidate's page does not link to the VAE file or to a new request")
		}
	})
}

func staffPageHas(body string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(body, w) {
			return false
		}
	}
	return true
}

func TestTheCandidateTimelineShowsVAEEventsOnlyToThoseWhoReadTheFile(t *testing.T) {
	s := newSite(t)
	w := s.world
	w.VAE(t)
	// The organisation's reasoned opinion, and the timeline's labels of the opinion and of the
	// admissibility decision.
	opinion, opinionEvent, decisionEvent := "Expérience solide et en lien direct.", "Avis rendu sur un dossier de VAE", "Décision de recevabilité VAE"
	page := "/candidats/" + w.CandidateA
	timeline := func(t *testing.T, role domain.Role) string {
		t.Helper()
		status, body := s.do(t, s.client(t, w.Accounts[role]), http.MethodGet, page)
		if status != http.StatusOK {
			t.Fatalf("%s: got %d", page, status)
		}
		return body
	}
	t.Run("the company referent, to whom /vae is forbidden, reads no event of the VAE file", func(t *testing.T) {
		if status, _ := s.do(t, s.client(t, w.Accounts[domain.RoleCompanyReferent]), http.MethodGet, "/vae"); status != http.StatusForbidden {
			t.Fatalf("/vae: got %d, want 403", status)
		}
		body := timeline(t, domain.RoleCompanyReferent)
		for _, text := range []string{opinion, opinionEvent, decisionEvent} {
			if strings.Contains(body, text) {
				t.Errorf("the referent's timeline shows « %s »", text)
			}
		}
	})
	t.Run("the company reads the decision on its employee's request, not the organisation's opinion", func(t *testing.T) {
		body := timeline(t, domain.RoleCompany)
		if strings.Contains(body, opinion) || strings.Contains(body, opinionEvent) || !strings.Contains(body, decisionEvent) {
			t.Errorf("company's timeline: opinion shown %v, decision shown %v", strings.Contains(body, opinion), strings.Contains(body, decisionEvent))
		}
	})
	t.Run("the candidate and the secretariat read both", func(t *testing.T) {
		for _, role := range []domain.Role{domain.RoleCandidate, domain.RoleSecretariat} {
			if body := timeline(t, role); !strings.Contains(body, opinion) || !strings.Contains(body, decisionEvent) {
				t.Errorf("%s's timeline misses the opinion or the decision", role)
			}
		}
	})
}
