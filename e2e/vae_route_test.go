package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cqp/internal/demo"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// upload posts one file as the experience page's upload form does and returns the status,
// the Location header and the body.
func (a *httpActor) upload(path, filename string, content []byte, fields url.Values) (int, string, string) {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		a.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, a.base+path, &body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// vaeRequestForm is the secretariat's request form for a new person on the Chargé de clientèle CQP.
func vaeRequestForm(name, first, email string) url.Values {
	return url.Values{"birth_name": {name}, "first_names": {first}, "birth_date": {"02/06/1988"}, "sex": {"F"},
		"birth_insee": {"29019"}, "birth_city": {"Brest"}, "email": {email}, "qualification": {"CC"}, "public": {"employee"},
		"blocks_CC": {"OPT1", "OPT2"}, "message": {"Deux ans en cabinet de courtage."}}
}

// admissibilityForm is a complete admissibility file for the blocks' competences, as the form posts it.
// nirOf is a well-formed NIR for the candidate of a VAE file, as the admissibility file asks.
func nirOf(t *testing.T, svc *service.Service, enrolmentID string) string {
	t.Helper()
	v, err := svc.VAE(context.Background(), domain.SystemActor("test"), enrolmentID)
	if err != nil {
		t.Fatal(err)
	}
	return demo.FictitiousNIR(v.Candidate)
}

func admissibilityForm(do string, competences []string, nir string) url.Values {
	v := url.Values{"do": {do}, "nir": {nir}, "address": {"3 rue des Lilas, 29200 Brest"}, "phone": {"06 12 34 56 78"},
		"situation": {"Salariée"}, "motivation": {"Faire reconnaître mon expérience."}, "certified": {"1"},
		service.PeriodField(0, "employer"): {"Cabinet Durand"}, service.PeriodField(0, "role"): {"Assistante de clientèle"},
		service.PeriodField(0, "from"): {"01/09/2022"}, service.PeriodField(0, "until"): {"31/08/2023"}, service.PeriodField(0, "related"): {"1"},
		service.PeriodField(0, "activities"): {"Accueil et suivi des clients particuliers"},
		service.PeriodField(1, "employer"):   {"Courtage Lumière"}, service.PeriodField(1, "role"): {"Chargée de clientèle"},
		service.PeriodField(1, "from"): {"01/09/2023"}, service.PeriodField(1, "related"): {"1"},
		service.PeriodField(1, "activities"): {"Conseil, devis et suivi du portefeuille"},
		service.DiplomaField(0, "title"):     {"BTS Assurance"}, service.DiplomaField(0, "year"): {"2021"}, service.DiplomaField(0, "level"): {"5"}}
	for _, c := range competences {
		v.Set(service.SelfLevelField(c), string(domain.SelfAcquired))
		v.Set(service.SituationField(c), "Chaque semaine avec les clients du cabinet.")
	}
	return v
}

var tokenInMail = regexp.MustCompile(`/mot-de-passe/nouveau\?jeton=([A-Za-z0-9_-]+)`)

func TestVAERouteOverHTTP(t *testing.T) {
	base, w := startServer(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service
	sec := login(t, base, w.Accounts[domain.RoleSecretariat])
	of := login(t, base, w.Accounts[domain.RoleTrainingOrganisation])
	member := login(t, base, w.Accounts[domain.RoleCommissionMember])
	referent := login(t, base, w.Accounts[domain.RoleCompanyReferent])

	// The secretariat records Gaëlle's request and sends her the admissibility file.
	request := vaeRequestForm("Kervella", "Gaëlle", "gaelle.kervella@exemple.fr")
	request.Set("company", w.CompanyA)
	loc := sec.submit("/vae/demande", request)
	vae := loc
	if !strings.HasPrefix(vae, "/vae/") {
		t.Fatalf("the request redirects to %q", loc)
	}
	id := strings.TrimPrefix(vae, "/vae/")
	sec.submit(vae+"/envoi", nil)

	// She follows the link in the mail to choose her password, then logs in.
	mails, err := svc.Outbox(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	var link []string
	for _, m := range mails {
		if m.To == "gaelle.kervella@exemple.fr" && m.AttachmentType == "application/pdf" {
			link = tokenInMail.FindStringSubmatch(m.Body)
		}
	}
	if link == nil {
		t.Fatalf("no mail with a link and the paper form for the candidate: %+v", mails)
	}
	anonymous := login(t, base, "")
	anonymous.submit("/mot-de-passe/nouveau", url.Values{"jeton": {link[1]}, "password": {servicetest.Password}, "confirm": {servicetest.Password}})
	cand := login(t, base, "gaelle.kervella@exemple.fr")

	// Her first draft has one period of ten months: saved, with the rule's warning; sending it is refused.
	v, err := svc.VAE(ctx, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	var competences []string
	for _, b := range v.Blocks {
		for _, c := range b.Competences {
			competences = append(competences, c.Code)
		}
	}
	draft := url.Values{"do": {"save"}, service.PeriodField(0, "employer"): {"Courtage Lumière"}, service.PeriodField(0, "role"): {"Chargée de clientèle"},
		service.PeriodField(0, "from"): {"25/01/2026"}, service.PeriodField(0, "related"): {"1"}}
	cand.submit(vae+"/recevabilite", draft)
	if body := cand.page(vae + "/recevabilite"); !strings.Contains(body, "Courtage Lumière") || !strings.Contains(body, "10 mois") {
		t.Fatalf("the draft is not kept with its months: %s", excerpt(body))
	}
	draft.Set("do", "submit")
	if status, _, body := cand.post(vae+"/recevabilite", draft); status != http.StatusUnprocessableEntity || !strings.Contains(body, "12 mois") {
		t.Fatalf("an incomplete file was sent: status %d, body %s", status, excerpt(body))
	}
	cand.submit(vae+"/recevabilite", admissibilityForm("submit", competences, nirOf(t, svc, id)))

	// The secretariat asks organisation A's opinion; the organisation gives it, the file beside the form.
	sec.submit(vae+"/avis-demande", url.Values{"training_organisation": {w.OrgA}})
	if body := of.page(vae + "/avis"); !strings.Contains(body, "Cabinet Durand") || !strings.Contains(body, "Chaque semaine avec les clients") {
		t.Fatalf("the organisation does not see the file beside the form: %s", excerpt(body))
	}
	of.submit(vae+"/avis", url.Values{"opinion": {"favourable"}, "comment": {"Deux ans d'expérience en lien direct avec le CQP."}})

	// The secretariat decides: admissible until 25/11/2027; the letter is mailed and downloadable.
	if status, _, body := sec.post(vae+"/decision", url.Values{"decision": {"admissible"}, "valid_until": {"25/11/2027"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Motivez la décision") {
		t.Fatalf("a decision without a reason: status %d, body %s", status, excerpt(body))
	}
	sec.submit(vae+"/decision", url.Values{"decision": {"admissible"}, "valid_until": {"25/11/2027"}, "reason": {"Expérience en lien de 24 mois ; avis favorable."}})
	v, err = svc.VAE(ctx, sys, id)
	if err != nil || v.File.Status != domain.VAEAdmissible || v.Enrolment.Status != domain.StatusEnrolled || v.LatestDecision == nil {
		t.Fatalf("after the decision: %+v %v", v.File, err)
	}
	if status, body := cand.get(vae + "/decisions/" + v.LatestDecision.ID + "/lettre.pdf"); status != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("the candidate's letter: status %d", status)
	}

	// She writes the experience file and joins two evidence files; an executable is refused.
	narratives := url.Values{"do": {"save"}}
	for _, b := range v.Blocks {
		narratives.Set(service.NarrativeField(b.Code), "Pour « "+b.Title+" », j'ai conduit ces activités pendant deux ans auprès d'une clientèle variée.")
	}
	cand.submit(vae+"/experience", narratives)
	if status, _, body := cand.upload(vae+"/preuves", "contrat.pdf", append([]byte("MZ\x90\x00"), make([]byte, 512)...), url.Values{"title": {"Contrat"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "exécutable") {
		t.Fatalf("an executable named .pdf: status %d, body %s", status, excerpt(body))
	}
	for _, ev := range []struct {
		name    string
		content []byte
		block   string
	}{{"attestation-employeur.pdf", servicetest.TinyPDF, ""}, {"portefeuille.png", servicetest.TinyPNG(t), "BC5"}} {
		if status, _, body := cand.upload(vae+"/preuves", ev.name, ev.content, url.Values{"title": {ev.name}, "block": {ev.block}}); status != http.StatusSeeOther {
			t.Fatalf("upload %s: status %d, body %s", ev.name, status, excerpt(body))
		}
	}
	cand.submit(vae+"/experience", url.Values{"do": {"submit"}})
	v, _ = svc.VAE(ctx, sys, id)
	if v.File.ExperienceStatus != domain.ExperienceSubmitted || len(v.Evidence) != 2 || v.Enrolment.Status != domain.StatusFinalEvaluation {
		t.Fatalf("after the experience file: %+v, %d evidence, %s", v.File, len(v.Evidence), v.Enrolment.Status)
	}

	// The commission: the secretariat schedules the oral; the member reads the file and its
	// evidence, and submits the grid with the reasoned opinion. The VAE jury works from the file
	// and the commission's opinion alone (DOMAIN.md §7 rule 2): the referent has no grid to fill,
	// and no other evaluator's « not acquired » can put a block in debate.
	sec.submit("/commissions/"+w.CommissionID+"/oraux", url.Values{"enrolment": {id}, "date": {"16/12/2026"}, "time": {"10:00"},
		"duration": {"60"}, "place": {"Paris, salle Colbert"}})
	if body := member.page(vae + "/experience"); !strings.Contains(body, "portefeuille.png") || !strings.Contains(body, "clientèle variée") {
		t.Fatalf("the commission member does not see the experience file: %s", excerpt(body))
	}
	if status, body := member.get(vae + "/preuves/" + v.Evidence[0].ID); status != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("the member's evidence download: status %d", status)
	}
	if err := svc.SetCandidateReferent(ctx, sys, v.Candidate.ID, w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]); err != nil {
		t.Fatal(err)
	}
	member.submit("/inscriptions/"+id+"/grilles/commission", gridForm(allA, true))
	status, _, body := referent.post("/inscriptions/"+id+"/grilles/referent", gridForm("A A A A A NA A A A A A A A A A", false))
	if status != http.StatusNotFound || !strings.Contains(body, "sur la voie « VAE », l'évaluation finale revient à : commission d'évaluation") {
		t.Fatalf("a referent's grid on a VAE: status %d, %s", status, excerpt(body))
	}
	sec.submit("/inscriptions/"+id+"/statut", url.Values{"status": {"awaiting_jury"}})

	// Nothing is in debate: the president closes; the certificate is issued and verified.
	session, _ := juryReady(t, base, w, sec)
	sec.submit(session+"/candidats", url.Values{"enrolments": {id}})
	sec.submit(session+"/ouverture", nil)
	if body := sec.page(session + "/candidats/" + id); strings.Contains(body, "Référent entreprise") || strings.Contains(body, "en débat") {
		t.Fatalf("the jury reads a grid the VAE route does not take: %s", excerpt(body))
	}
	login(t, base, w.Accounts[domain.RoleJuryPresident]).submit(session+"/cloture", confirmClose)
	sessionID := strings.TrimPrefix(session, "/jury/sessions/")
	w.ConfirmFrameworks(t)
	sec.submit("/delivrance/"+sessionID, confirmIssue)
	page, err := svc.Certificates(ctx, sys, store.CertificateFilter{SessionID: sessionID})
	if err != nil || len(page.Items) != 1 || page.Items[0].Kind != store.KindCertificate {
		t.Fatalf("issued: %+v %v", page.Items, err)
	}
	body = login(t, base, "").page("/verifier/" + page.Items[0].VerificationCode)
	if !strings.Contains(body, "Document authentique et valide") || !strings.Contains(body, "Gaëlle") {
		t.Fatalf("verifying Gaëlle's certificate: %s", excerpt(body))
	}

	// A second person, on paper: the secretariat types her file in; the organisation finds her
	// experience off the mark; the secretariat redirects her to the formation route.
	paper := sec.submit("/vae/demande", vaeRequestForm("Benali", "Inès", ""))
	paperID := strings.TrimPrefix(paper, "/vae/")
	sec.submit(paper+"/envoi", nil)
	sec.submit(paper+"/recevabilite", admissibilityForm("submit", competences, nirOf(t, svc, paperID)))
	sec.submit(paper+"/avis-demande", url.Values{"training_organisation": {w.OrgA}})
	of.submit(paper+"/avis", url.Values{"opinion": {"unfavourable"}, "comment": {"Expérience surtout commerciale : la formation convient mieux."}})
	sec.submit(paper+"/decision", url.Values{"decision": {"redirected"}, "redirect_route": {"formation"}, "training_organisation": {w.OrgA},
		"reason": {"Expérience en lien insuffisante : parcours de formation complet proposé."}})
	pv, err := svc.VAE(ctx, sys, paperID)
	if err != nil || pv.File.Status != domain.VAERedirected || pv.Enrolment.Status != domain.StatusWithdrawn {
		t.Fatalf("after the redirection: %+v %v", pv.File, err)
	}
	c, err := svc.Candidate(ctx, sys, pv.Candidate.ID)
	if err != nil {
		t.Fatal(err)
	}
	var formation *domain.Enrolment
	for i, e := range c.Enrolments {
		if e.Route == domain.RouteFormation {
			formation = &c.Enrolments[i]
		}
	}
	if formation == nil || formation.Status != domain.StatusEnrolled || formation.TrainingOrganisationID != w.OrgA {
		t.Fatalf("no formation enrolment with organisation A: %+v", c.Enrolments)
	}
	if body := of.page("/candidats/" + c.ID); !strings.Contains(body, "Formation") {
		t.Fatalf("the organisation does not see its new formation candidate: %s", excerpt(body))
	}
}

// juryReady names four jurors on the roster, schedules a session, invites them and records
// them present; it returns the session's path and the jurors.
func juryReady(t *testing.T, base string, w *servicetest.World, sec *httpActor) (string, []string) {
	t.Helper()
	ctx := context.Background()
	sec.submit("/parametres", url.Values{"signature_place": {"Paris"}, "quorum": {"4"},
		"jury_president_name": {"Bruno Lemaître"}, "csca_president_name": {"Hélène Duval"}, "cpne_president_name": {"Marc Girard"}})
	jurors := []string{w.UserIDs[w.Accounts[domain.RoleJuryPresident]], w.UserIDs[w.Accounts[domain.RoleJuryMember]]}
	for i := range 2 {
		u, err := w.Service.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: fmt.Sprintf("jure-vae%d@cqp.test", i),
			Name: fmt.Sprintf("Juré n° %d", i), Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleJuryMember}}})
		if err != nil {
			t.Fatal(err)
		}
		jurors = append(jurors, u.ID)
	}
	for i, college := range []string{"cpnefp_president", "unions", "employers", "experts"} {
		sec.submit("/jury/membres", url.Values{"user": {jurors[i]}, "college": {college}})
	}
	return juryOpen(sec, "2026-12-18", jurors), jurors
}

// juryOpen schedules a session on day (YYYY-MM-DD), invites the jurors and records them present.
func juryOpen(sec *httpActor, day string, jurors []string) string {
	session := sec.submit("/jury/sessions", url.Values{"date": {day}, "time": {"14:00"}, "place": {"Paris, salle Turgot"}})
	sec.submit(session+"/invitations", url.Values{"members": jurors})
	sec.submit(session+"/presences", url.Values{"present": jurors})
	return session
}

// TestVAEPartialResultThenTheMissingBlockWithoutStartingOver: the commission withholds BC5, the
// jury gives a partial result (an attestation for the six other blocks); the candidate reopens
// the experience file, where the acquired blocks are locked and BC5 is open, completes BC5 and
// submits it again; a second oral and a corrected commission grid; a second jury session judges
// BC5 only and the candidate is certified.
func TestVAEPartialResultThenTheMissingBlockWithoutStartingOver(t *testing.T) {
	base, w := startServer(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service
	sec := login(t, base, w.Accounts[domain.RoleSecretariat])
	cand := login(t, base, w.Accounts[domain.RoleCandidate])
	member := login(t, base, w.Accounts[domain.RoleCommissionMember])

	// Candidate A asks for a VAE on the Chargé de clientèle CQP; it runs as far as the commission.
	secActor := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	req, err := svc.RequestVAE(ctx, secActor, service.VAERequestInput{CandidateID: w.CandidateA, QualificationCode: "CC",
		Public: domain.PublicEmployee, CompanyID: w.CompanyA, Blocks: []string{"OPT1", "OPT2"}})
	if err != nil {
		t.Fatal(err)
	}
	id := req.Enrolment.ID
	vae := "/vae/" + id
	sec.submit(vae+"/envoi", nil)
	v, err := svc.VAE(ctx, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	var competences []string
	for _, b := range v.Blocks {
		for _, c := range b.Competences {
			competences = append(competences, c.Code)
		}
	}
	cand.submit(vae+"/recevabilite", admissibilityForm("submit", competences, nirOf(t, svc, id)))
	sec.submit(vae+"/avis-demande", url.Values{"training_organisation": {w.OrgA}})
	login(t, base, w.Accounts[domain.RoleTrainingOrganisation]).submit(vae+"/avis", url.Values{"opinion": {"favourable"}, "comment": {"Expérience en lien."}})
	sec.submit(vae+"/decision", url.Values{"decision": {"admissible"}, "valid_until": {"25/11/2027"}, "reason": {"Avis favorable, expérience suffisante."}})
	narratives := url.Values{"do": {"save"}}
	for _, b := range v.Blocks {
		narratives.Set(service.NarrativeField(b.Code), "Pour « "+b.Title+" », voici ce que j'ai fait pendant deux ans au cabinet.")
	}
	cand.submit(vae+"/experience", narratives)
	if status, _, body := cand.upload(vae+"/preuves", "attestation.pdf", servicetest.TinyPDF, nil); status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", status, excerpt(body))
	}
	cand.submit(vae+"/experience", url.Values{"do": {"submit"}})

	// First oral: the commission withholds C14 and C15, so BC5 is not acquired (its voice prevails).
	sec.submit("/commissions/"+w.CommissionID+"/oraux", url.Values{"enrolment": {id}, "date": {"16/12/2026"}, "time": {"10:00"},
		"duration": {"60"}, "place": {"Paris"}})
	member.submit("/inscriptions/"+id+"/grilles/commission", gridForm("A A A A A A A A A A A A A NA NA", true))
	sec.submit("/inscriptions/"+id+"/statut", url.Values{"status": {"awaiting_jury"}})
	session, jurors := juryReady(t, base, w, sec)
	sec.submit(session+"/candidats", url.Values{"enrolments": {id}})
	sec.submit(session+"/ouverture", nil)
	president := login(t, base, w.Accounts[domain.RoleJuryPresident])
	president.submit(session+"/cloture", confirmClose)
	v, _ = svc.VAE(ctx, sys, id)
	if v.Enrolment.Status != domain.StatusPartial || !v.Acquired["BC1"] || v.Acquired["BC5"] {
		t.Fatalf("after the first jury: %s, acquired %v", v.Enrolment.Status, v.Acquired)
	}
	if body := cand.page(vae + "/experience"); !strings.Contains(body, "Rouvrir le dossier pour les blocs encore à valider") {
		t.Fatalf("the candidate is not offered to complete the file: %s", excerpt(body))
	}

	// The candidate reopens the file: the acquired blocks are locked, BC5 is open, nothing was lost.
	cand.submit(vae+"/experience/reouverture", nil)
	body := cand.page(vae + "/experience")
	if !strings.Contains(body, "voici ce que j'ai fait") || !strings.Contains(body, `name="`+service.NarrativeField("BC5")+`"`) ||
		strings.Contains(body, `name="`+service.NarrativeField("BC1")+`"`) {
		t.Fatalf("the reopened experience file: %s", excerpt(body))
	}
	cand.post(vae+"/experience", url.Values{"do": {"save"}, service.NarrativeField("BC1"): {"Réécrit"}})
	if v, _ = svc.VAE(ctx, sys, id); v.Experience["BC1"].Narrative == "Réécrit" {
		t.Fatal("an acquired block's narrative was rewritten")
	}
	// The oral waits for the completed file; so does the jury.
	if status, _, body := sec.post("/commissions/"+w.CommissionID+"/oraux", url.Values{"enrolment": {id}, "date": {"13/01/2027"},
		"time": {"10:00"}, "duration": {"60"}, "place": {"Paris"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "dossier d'expérience") {
		t.Fatalf("an oral before the completed file: %d %s", status, excerpt(body))
	}
	cand.submit(vae+"/experience", url.Values{"do": {"save"}, service.NarrativeField("BC5"): {
		"J'ai repris seul un portefeuille de 120 clients professionnels et développé les renouvellements avec mon responsable."}})
	cand.submit(vae+"/experience", url.Values{"do": {"submit"}})
	v, _ = svc.VAE(ctx, sys, id)
	if len(v.Submissions) != 2 || strings.Join(v.Submissions[0].Blocks, ",") != "BC5" {
		t.Fatalf("submissions: %+v", v.Submissions)
	}

	// Second oral on BC5: the commission corrects its grid, with the reason.
	sec.submit("/commissions/"+w.CommissionID+"/oraux", url.Values{"enrolment": {id}, "date": {"13/01/2027"}, "time": {"10:00"},
		"duration": {"60"}, "place": {"Paris"}})
	corrected := gridForm("A A A A A A A A A A A A A A A", true)
	corrected.Set("correction_reason", "Second oral sur le bloc BC5 après complément du dossier d'expérience.")
	member.submit("/inscriptions/"+id+"/grilles/commission", corrected)

	// The second session judges BC5 only: certified.
	second := juryOpen(sec, "2027-01-20", jurors)
	sec.submit(second+"/candidats", url.Values{"enrolments": {id}})
	sec.submit(second+"/ouverture", nil)
	president.submit(second+"/cloture", confirmClose)
	v, _ = svc.VAE(ctx, sys, id)
	if v.Enrolment.Status != domain.StatusCertified {
		t.Fatalf("after the second jury: %s", v.Enrolment.Status)
	}
	w.ConfirmFrameworks(t)
	sec.submit("/delivrance/"+strings.TrimPrefix(second, "/jury/sessions/"), confirmIssue)
	page, err := svc.Certificates(ctx, sys, store.CertificateFilter{SessionID: strings.TrimPrefix(second, "/jury/sessions/")})
	if err != nil || len(page.Items) != 1 || page.Items[0].Kind != store.KindCertificate {
		t.Fatalf("second session's documents: %+v %v", page.Items, err)
	}
}
