package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// post sends a form and returns the status, the Location header and the unescaped body.
func (s *site) post(t *testing.T, c *http.Client, path string, form url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(s.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), html.UnescapeString(string(b))
}

// upload sends data as the "fichier" field of a multipart form.
func (s *site) upload(t *testing.T, c *http.Client, path, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("fichier", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, html.UnescapeString(string(b))
}

// field returns the HTML of the form field (the div.field) that holds the control named name.
func field(t *testing.T, body, name string) string {
	t.Helper()
	at := strings.Index(body, `name="`+name+`"`)
	if at < 0 {
		t.Fatalf("no field %q in the page", name)
	}
	start := strings.LastIndex(body[:at], `<div class="field`)
	end := strings.Index(body[at:], "</div>")
	if start < 0 || end < 0 {
		t.Fatalf("field %q is not inside a div.field", name)
	}
	return body[start : at+end]
}

func (s *site) secretariat(t *testing.T) *http.Client {
	return s.client(t, s.world.Accounts[domain.RoleSecretariat])
}

func TestCreatingAnOrganisationWithABadSIRETShowsTheFormAgainWithTheFrenchMessageAndTheTypedValues(t *testing.T) {
	s := newSite(t)
	status, _, body := s.post(t, s.secretariat(t), "/organismes/nouveau", url.Values{
		"name": {"Formations du Sud"}, "siret": {"732 829 320 00075"}, "city": {"Marseille"}, "email": {"contact@sud.test"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", status)
	}
	siret := field(t, body, "siret")
	if !strings.Contains(siret, "Ce SIRET n'est pas valide : vérifiez les chiffres (clé de contrôle incorrecte).") ||
		!strings.Contains(siret, `aria-invalid="true"`) {
		t.Errorf("the SIRET field does not carry its French message: %s", siret)
	}
	for name, want := range map[string]string{"name": "Formations du Sud", "siret": "732 829 320 00075", "city": "Marseille", "email": "contact@sud.test"} {
		if f := field(t, body, name); !strings.Contains(f, `value="`+want+`"`) {
			t.Errorf("field %s lost what was typed (%q): %s", name, want, f)
		}
	}
	if !strings.Contains(body, `<a href="#f-siret">`) {
		t.Error("the error summary does not link to the SIRET field")
	}
	orgs, err := s.world.Service.TrainingOrganisations(context.Background(), domain.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 2 {
		t.Errorf("a refused organisation was recorded: %d organisations", len(orgs))
	}
}

func TestADuplicateSIRETIsAConflictOnTheField(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct{ path, siret string }{
		{"/organismes/nouveau", "732 829 320 00074"}, // organisation A's
		{"/entreprises/nouveau", "40483304800022"},   // company A's
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, _, body := s.post(t, s.secretariat(t), tc.path, url.Values{"name": {"Doublon"}, "siret": {tc.siret}, "city": {"Paris"}})
			if status != http.StatusConflict {
				t.Fatalf("status %d, want 409: %.300s", status, body)
			}
			if f := field(t, body, "siret"); !strings.Contains(f, "Ce SIRET est déjà enregistré.") || !strings.Contains(f, `value="`+tc.siret+`"`) {
				t.Errorf("the SIRET field does not say it is taken: %s", f)
			}
		})
	}
}

func TestAnOrganisationIsCreatedAndGrantedAnAccreditationFlaggedWhenItExpiresWithin60Days(t *testing.T) {
	s := newSite(t)
	sec := s.secretariat(t)
	status, loc, body := s.post(t, sec, "/organismes/nouveau", url.Values{"name": {"Formations du Sud"}, "siret": {"412 879 058 00011"}, "city": {"Marseille"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/organismes/") {
		t.Fatalf("status %d location %q: %.300s", status, loc, body)
	}
	// The clock is 25/11/2026: an accreditation ending 31/12/2026 ends in 36 days.
	status, _, body = s.post(t, sec, loc+"/habilitations", url.Values{"qualification": {"CC"}, "valid_from": {"01/09/2026"}, "valid_until": {"2026-12-31"}})
	if status != http.StatusSeeOther {
		t.Fatalf("grant: status %d: %.500s", status, body)
	}
	_, page := s.do(t, sec, http.MethodGet, loc)
	if !strings.Contains(page, "Formations du Sud") || !strings.Contains(page, "01/09/2026") || !strings.Contains(page, "31/12/2026") ||
		!strings.Contains(page, "expire dans 36 jours") {
		t.Errorf("the organisation page does not show the accreditation and its state: %.2000s", page)
	}
	_, list := s.do(t, sec, http.MethodGet, "/organismes")
	if !strings.Contains(list, "1 habilitation est expirée ou expire dans les 60 jours") || !strings.Contains(list, `<span class="badge confirm">expire dans 36 jours</span>`) {
		t.Errorf("the list does not flag the expiring accreditation")
	}

	status, _, body = s.post(t, sec, loc+"/habilitations", url.Values{"qualification": {"CC"}, "valid_from": {"31/02/2026"}, "valid_until": {"2026-01-01"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad dates: status %d", status)
	}
	if f := field(t, body, "valid_from"); !strings.Contains(f, "La date de début doit être au format JJ/MM/AAAA") || !strings.Contains(f, `value="31/02/2026"`) {
		t.Errorf("an impossible start date is not explained: %s", f)
	}
	if f := field(t, body, "valid_until"); !strings.Contains(f, `value="2026-01-01"`) {
		t.Errorf("the end date typed was lost: %s", f)
	}
}

func TestAFrameworkImportOfAnInvalidFileListsEveryProblemWithItsLineAndWritesNothing(t *testing.T) {
	s := newSite(t)
	example, err := os.ReadFile("../frameworkfile/testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(example)
	for old, bad := range map[string]string{"detailed: 3": "detailed: 0", "threshold_percent: 70": "threshold_percent: 170", "  idcc:": "  idc:"} {
		if !strings.Contains(text, old) {
			t.Fatalf("the example file no longer holds %q", old)
		}
		text = strings.Replace(text, old, bad, 1)
	}
	_, parseErr := frameworkfile.Parse("faux.yaml", []byte(text))
	ve, ok := parseErr.(*frameworkfile.ValidationError)
	if !ok || len(ve.Problems) < 3 {
		t.Fatalf("the broken file should have at least 3 problems: %v", parseErr)
	}
	before := s.auditCount(t)
	status, body := s.upload(t, s.secretariat(t), "/referentiels/import", "faux.yaml", []byte(text))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", status)
	}
	if !strings.Contains(body, fmt.Sprintf("il contient %d erreurs", len(ve.Problems))) || !strings.Contains(body, "Rien n'a été enregistré") {
		t.Errorf("the page does not say the file was refused as a whole: %.1500s", body)
	}
	for _, p := range ve.Problems {
		if want := fmt.Sprintf("<strong>Ligne %d</strong> : %s", p.Line, p.Message); !strings.Contains(body, want) {
			t.Errorf("problem not listed with its line: %s", want)
		}
	}
	fws, err := s.world.Service.Frameworks(context.Background(), domain.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fws {
		if f.Framework.Qualification.Code == "REC" {
			t.Error("a refused file created a framework")
		}
	}
	if after := s.auditCount(t); after != before {
		t.Errorf("a refused import wrote %d audit entries", after-before)
	}
}

func TestAValidFrameworkImportShowsWhatHappenedToEachQualification(t *testing.T) {
	s := newSite(t)
	sec := s.secretariat(t)
	example, err := os.ReadFile("../frameworkfile/testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	status, body := s.upload(t, sec, "/referentiels/import", "exemple.yaml", example)
	if status != http.StatusOK {
		t.Fatalf("status %d: %.1500s", status, body)
	}
	row := regexp.MustCompile(`<th scope="row"><a href="/referentiels/REC/versions">REC</a></th><td>1</td><td>([^<]*)</td>`)
	if m := row.FindStringSubmatch(body); m == nil || m[1] != "créé" {
		t.Fatalf("the outcome of REC is not « créé »: %v in %.1500s", m, body)
	}
	status, body = s.upload(t, sec, "/referentiels/import", "exemple.yaml", example)
	if m := row.FindStringSubmatch(body); status != http.StatusOK || m == nil || m[1] != "inchangé" {
		t.Fatalf("importing the same file again: status %d, outcome %v", status, m)
	}

	// The export of a frozen framework imports back unchanged.
	res, err := sec.Get(s.URL + "/referentiels/CC/export")
	if err != nil {
		t.Fatal(err)
	}
	exported, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="referentiel-CC-v1.yaml"`) {
		t.Fatalf("export: status %d, disposition %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	status, body = s.upload(t, sec, "/referentiels/import", "referentiel-CC-v1.yaml", exported)
	if !strings.Contains(body, `<a href="/referentiels/CC/versions">CC</a></th><td>1</td><td>inchangé</td>`) {
		t.Fatalf("re-importing the export: status %d: %.1500s", status, body)
	}

	// A change to the frozen CC framework makes a new version; the old one stays.
	changed := strings.Replace(string(exported), "training_hours: 600", "training_hours: 610", 1)
	if changed == string(exported) {
		t.Fatal("the export does not hold CC's 600 training hours")
	}
	_, body = s.upload(t, sec, "/referentiels/import", "cc.yaml", []byte(changed))
	if !strings.Contains(body, `CC</a></th><td>2</td><td>nouvelle version (la précédente a des inscrits et reste figée)</td>`) {
		t.Fatalf("a change to a frozen framework did not make version 2: %.1500s", body)
	}
	_, versions := s.do(t, sec, http.MethodGet, "/referentiels/CC/versions")
	if !strings.Contains(versions, "Version 2") || !strings.Contains(versions, "Version 1") || !strings.Contains(versions, "Figée") {
		t.Errorf("the history does not show both versions: %.1500s", versions)
	}
	_, audit := s.do(t, sec, http.MethodGet, "/audit?action=framework.")
	if !strings.Contains(audit, "Nouvelle version de référentiel") || !strings.Contains(audit, "Référentiel créé") {
		t.Errorf("the imports are not in the audit trail with French labels")
	}
}

func TestTheFrameworkPageShowsTheRulesAndFlagsWhatTheBranchMustConfirm(t *testing.T) {
	s := newSite(t)
	// Every role may read frameworks; a candidate sees the same page.
	status, body := s.do(t, s.client(t, s.world.Accounts[domain.RoleCandidate]), http.MethodGet, "/referentiels/"+s.world.FrameworkCC)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		"70 % des compétences détaillées", "10/20", "3 + 2 + 2", "600 h", "300 h",
		"Version figée : 2 inscriptions l'utilisent",
		`<h3 id="b-BC1">BC1 — `, "Bloc commun", `<span class="badge confirm">à confirmer par la branche</span>`,
		"le classement de BC1 à BC3 parmi les 3 blocs communs à tous les CQP est une déduction",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the framework page lacks %q", want)
		}
	}
	_, list := s.do(t, s.secretariat(t), http.MethodGet, "/referentiels")
	if !strings.Contains(list, `<a href="/referentiels/`+s.world.FrameworkCC+`">Chargé de clientèle</a>`) || !strings.Contains(list, "à confirmer</span>") {
		t.Errorf("the list does not link CC or count its items to confirm")
	}
}

func TestTheAuditPageFiltersByAction(t *testing.T) {
	s := newSite(t)
	for _, email := range []string{s.world.Accounts[domain.RoleSecretariat], s.world.Accounts[domain.RoleBranch]} {
		c := s.client(t, email)
		status, body := s.do(t, c, http.MethodGet, "/audit?action=organisation.")
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", email, status)
		}
		if n := strings.Count(body, `<th scope="row">Organisme de formation créé</th>`); n != 2 {
			t.Errorf("%s: %d organisation creations shown, want 2", email, n)
		}
		if !strings.Contains(body, "2 entrées") || strings.Contains(body, "Entreprise créée</th>") || strings.Contains(body, "Compte créé</th>") {
			t.Errorf("%s: the filter lets other actions through", email)
		}
		if !strings.Contains(body, `<option value="organisation." selected>`) {
			t.Errorf("%s: the filter does not stay selected", email)
		}
		if !strings.Contains(body, "nom : Organisme A") || !strings.Contains(body, `<a href="/organismes/`+s.world.OrgA+`">Organisme A</a>`) {
			t.Errorf("%s: an entry does not show its record and state", email)
		}
	}
	sec := s.secretariat(t)
	_, body := s.do(t, sec, http.MethodGet, "/audit?action=user.create&du=25/11/2026&au=25/11/2026")
	if !strings.Contains(body, "Compte créé</th>") || strings.Contains(body, "Organisme de formation créé</th>") {
		t.Errorf("a whole action with a day range does not filter")
	}
	_, body = s.do(t, sec, http.MethodGet, "/audit?du=26/11/2026")
	if !strings.Contains(body, "0 entrée") {
		t.Errorf("nothing happened after the fixture's day, yet entries are shown")
	}
	_, body = s.do(t, sec, http.MethodGet, "/audit?du=demain")
	if !strings.Contains(body, "La date de début « demain » doit être au format JJ/MM/AAAA") {
		t.Errorf("an unreadable date is not explained")
	}
}

func TestAnAccountIsCreatedWithAScopedRoleAndReceivesALinkByMail(t *testing.T) {
	s := newSite(t)
	sec := s.secretariat(t)
	status, _, body := s.post(t, sec, "/comptes/nouveau", url.Values{"name": {"Jeanne Formatrice"}, "email": {"jeanne@of-a.test"}, "role": {"training_organisation"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a scoped role without scope: status %d", status)
	}
	if f := field(t, body, "organisation"); !strings.Contains(f, "choisissez l'organisme de formation") {
		t.Errorf("the missing organisation is not said on its field: %s", f)
	}
	if f := field(t, body, "email"); !strings.Contains(f, `value="jeanne@of-a.test"`) {
		t.Errorf("the e-mail typed was lost: %s", f)
	}

	status, loc, body := s.post(t, sec, "/comptes/nouveau", url.Values{"name": {"Jeanne Formatrice"}, "email": {"jeanne@of-a.test"},
		"role": {"training_organisation"}, "organisation": {s.world.OrgA}})
	if status != http.StatusSeeOther {
		t.Fatalf("status %d: %.800s", status, body)
	}
	_, page := s.do(t, sec, http.MethodGet, loc)
	if !strings.Contains(page, `<th scope="row">Organisme de formation</th>`) || !strings.Contains(page, `<a href="/organismes/`+s.world.OrgA+`">Organisme A</a>`) {
		t.Errorf("the account page does not show the role and its scope")
	}
	_, outbox := s.do(t, sec, http.MethodGet, "/courriels")
	if !strings.Contains(outbox, "jeanne@of-a.test") || !strings.Contains(outbox, "<summary>Votre compte cqp</summary>") ||
		!strings.Contains(outbox, "/mot-de-passe/nouveau?jeton=") || !strings.Contains(outbox, "conservé dans la boîte d'envoi") {
		t.Errorf("the invitation is not readable in the outbox: %.2000s", outbox)
	}
	_, org := s.do(t, sec, http.MethodGet, "/organismes/"+s.world.OrgA)
	if !strings.Contains(org, "Jeanne Formatrice") {
		t.Errorf("the organisation page does not list its new account")
	}

	status, _, body = s.post(t, sec, "/comptes/nouveau", url.Values{"name": {"Autre"}, "email": {"JEANNE@of-a.test"}, "role": {"branch"}})
	if status != http.StatusConflict || !strings.Contains(field(t, body, "email"), "Un compte existe déjà avec cette adresse e-mail.") {
		t.Errorf("a duplicate e-mail: status %d", status)
	}

	number := s.candidateNumber(t, s.world.CandidateA)
	status, _, body = s.post(t, sec, loc+"/roles", url.Values{"role": {"candidate"}, "candidate": {"C-1999-99999"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(field(t, body, "candidate"), "Aucun candidat ne porte le numéro « C-1999-99999 »") {
		t.Errorf("an unknown candidate number: status %d", status)
	}
	status, _, _ = s.post(t, sec, loc+"/roles", url.Values{"role": {"candidate"}, "candidate": {number}})
	if status != http.StatusSeeOther {
		t.Fatalf("adding a candidate role by number: status %d", status)
	}
	_, page = s.do(t, sec, http.MethodGet, loc)
	if !strings.Contains(page, `<a href="/candidats/`+s.world.CandidateA+`">`) {
		t.Errorf("the candidate role does not point at the candidate")
	}
}

func TestDisablingAnAccountNeedsAReasonThatGoesToTheAuditTrail(t *testing.T) {
	s := newSite(t)
	sec := s.secretariat(t)
	companyEmail := s.world.Accounts[domain.RoleCompany]
	path := "/comptes/" + s.world.UserIDs[companyEmail]
	status, _, body := s.post(t, sec, path+"/desactivation", url.Values{"reason": {"  "}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez la raison de la désactivation du compte.") {
		t.Fatalf("no reason: status %d", status)
	}
	status, _, _ = s.post(t, sec, path+"/desactivation", url.Values{"reason": {"A quitté le cabinet"}})
	if status != http.StatusSeeOther {
		t.Fatalf("status %d", status)
	}
	if res, err := s.client(t, "").PostForm(s.URL+"/connexion", url.Values{"email": {companyEmail}, "password": {servicetest.Password}}); err != nil {
		t.Fatal(err)
	} else if res.Body.Close(); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled account logged in: status %d", res.StatusCode)
	}
	_, page := s.do(t, sec, http.MethodGet, path)
	if !strings.Contains(page, `<span class="badge off">désactivé</span>`) || !strings.Contains(page, "Compte désactivé — ") || !strings.Contains(page, "A quitté le cabinet") {
		t.Errorf("the account page does not show the disabling and its reason: %.2000s", page)
	}
	status, _, _ = s.post(t, sec, path+"/desactivation", url.Values{"reason": {"encore"}})
	if status != http.StatusConflict {
		t.Errorf("disabling twice: status %d, want 409", status)
	}
	_, audit := s.do(t, sec, http.MethodGet, "/audit?action=user.disable")
	if !strings.Contains(audit, "<td>A quitté le cabinet</td>") || !strings.Contains(audit, "avant :</span> désactivé : non") {
		t.Errorf("the audit trail lacks the reason or the states")
	}
	status, _, _ = s.post(t, sec, path+"/activation", url.Values{"reason": {"Revenu au cabinet"}})
	if status != http.StatusSeeOther {
		t.Fatalf("enable: status %d", status)
	}
	self := "/comptes/" + s.world.UserIDs[s.world.Accounts[domain.RoleSecretariat]]
	status, _, body = s.post(t, sec, self+"/desactivation", url.Values{"reason": {"test"}})
	if status != http.StatusConflict || !strings.Contains(body, "Vous ne pouvez pas désactiver votre propre compte.") {
		t.Errorf("disabling oneself: status %d", status)
	}
}

func TestTheCandidateJournalUsesFrenchActionLabels(t *testing.T) {
	s := newSite(t)
	_, body := s.do(t, s.secretariat(t), http.MethodGet, "/candidats/"+s.world.CandidateA)
	if !strings.Contains(body, "Candidat enregistré — ") || !strings.Contains(body, "Inscription enregistrée — ") || strings.Contains(body, "candidate.create") {
		t.Errorf("the journal shows action codes instead of French labels")
	}
}

func (s *site) auditCount(t *testing.T) int {
	t.Helper()
	_, total, err := s.world.Service.Audit(context.Background(), domain.SystemActor("test"), store.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func (s *site) candidateNumber(t *testing.T, id string) string {
	t.Helper()
	c, err := s.world.Service.Candidate(context.Background(), domain.SystemActor("test"), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Number
}
