package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

func init() { sampleSources = append(sampleSources, actionSamples) }

// actionSamples declares an action on each side: A's (organisation A, company A, funded by the
// fixture's funder) and B's (organisation B, company B, no funder).
func actionSamples(t testing.TB, w *servicetest.World) routeSamples {
	a, b := declareSideActions(t, w)
	return routeSamples{
		Paths: map[string]string{
			"/actions/{id}":                    "/actions/" + a,
			"/actions/{id}/calendrier":         "/actions/" + a + "/calendrier",
			"/actions/{id}/commentaires":       "/actions/" + a + "/commentaires",
			"/actions/{id}/examen":             "/actions/" + a + "/examen",
			"/actions/{id}/refus":              "/actions/" + a + "/refus",
			"/actions/{id}/inscription":        "/actions/" + a + "/inscription",
			"/actions/{id}/import":             "/actions/" + a + "/import",
			"/actions/{id}/import/modele.csv":  "/actions/" + a + "/import/modele.csv",
			"/actions/{id}/import/modele.xlsx": "/actions/" + a + "/import/modele.xlsx",
			"/inscriptions/{id}":               "/inscriptions/" + w.EnrolmentA,
			"/inscriptions/{id}/referent":      "/inscriptions/" + w.EnrolmentA + "/referent",
			"/inscriptions/{id}/entretien":     "/inscriptions/" + w.EnrolmentA + "/entretien",
		},
		CrossScope: map[string]string{
			"/actions/{id}":                    "/actions/" + b,
			"/actions/{id}/inscription":        "/actions/" + b + "/inscription",
			"/actions/{id}/import":             "/actions/" + b + "/import",
			"/actions/{id}/import/modele.csv":  "/actions/" + b + "/import/modele.csv",
			"/actions/{id}/import/modele.xlsx": "/actions/" + b + "/import/modele.xlsx",
			"/inscriptions/{id}":               "/inscriptions/" + enrolmentOf(t, w, w.CandidateB),
		},
	}
}

func declareSideActions(t testing.TB, w *servicetest.World) (a, b string) {
	t.Helper()
	ctx, sys := context.Background(), domain.SystemActor("test")
	funders, err := w.Service.ActionFunders(ctx, sys)
	if err != nil || len(funders) == 0 {
		t.Fatalf("funders: %v", err)
	}
	in := service.ActionInput{TrainingOrganisationID: w.OrgA, QualificationCode: "CC", Route: domain.RouteFormation,
		Title: "Action A", StartsOn: domain.NewDate(2027, 1, 4), EndsOn: domain.NewDate(2027, 6, 30), PlannedHours: 600,
		CompanyIDs: []string{w.CompanyA}, FunderID: funders[0].ID}
	actA, err := w.Service.DeclareAction(ctx, sys, in)
	if err != nil {
		t.Fatal(err)
	}
	in.TrainingOrganisationID, in.CompanyIDs, in.FunderID, in.Title = w.OrgB, []string{w.CompanyB}, "", "Action B"
	actB, err := w.Service.DeclareAction(ctx, sys, in)
	if err != nil {
		t.Fatal(err)
	}
	return actA.ID, actB.ID
}

func enrolmentOf(t testing.TB, w *servicetest.World, candidateID string) string {
	t.Helper()
	c, err := w.Service.Candidate(context.Background(), domain.SystemActor("test"), candidateID)
	if err != nil || len(c.Enrolments) == 0 {
		t.Fatalf("candidate %s: %v", candidateID, err)
	}
	return c.Enrolments[0].ID
}

func (s *site) organisationA(t *testing.T) *http.Client {
	return s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation])
}

// actionOfA returns the id of the action declared on side A by the samples.
func (s *site) actionOfA(t *testing.T) string {
	t.Helper()
	page, err := s.world.Service.Actions(context.Background(), domain.SystemActor("test"), store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Actions {
		if a.TrainingOrganisationID == s.world.OrgA {
			return a.ID
		}
	}
	a, _ := declareSideActions(t, s.world)
	return a
}

func (s *site) enrolled(t *testing.T, actionID string) []store.ActionEnrolment {
	t.Helper()
	rows, err := s.world.Service.ActionEnrolments(context.Background(), domain.SystemActor("test"), actionID)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestAnOrganisationDeclaresAnActionAndIsToldWhyWhenItIsNotAccredited(t *testing.T) {
	s := newSite(t)
	of := s.organisationA(t)
	form := url.Values{"training_organisation": {s.world.OrgA}, "qualification": {"CC"}, "route": {"formation"},
		"title": {"CQP CC Paris 2029"}, "starts_on": {"01/10/2028"}, "ends_on": {"31/03/2029"}, "planned_hours": {"600"},
		"companies": {s.world.CompanyA}, "cal_day_2": {"05/10/2028"}, "cal_start_2": {"09:00"}, "cal_end_2": {"12:00"}}
	status, _, body := s.post(t, of, "/actions/nouvelle", form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %.300s", status, body)
	}
	msg := field(t, body, "qualification")
	for _, want := range []string{"n'est pas habilité pour « Chargé de clientèle » sur toute la période de l'action, du 01/10/2028 au 31/03/2029",
		"aucune habilitation ne couvre le 01/01/2029", "du 01/01/2026 au 31/12/2028"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal does not say %q: %s", want, msg)
		}
	}
	if !strings.Contains(body, `value="CQP CC Paris 2029"`) || !strings.Contains(body, `value="05/10/2028"`) {
		t.Error("the form lost what was typed")
	}

	form.Set("starts_on", "2027-09-06")
	form.Set("ends_on", "2028-06-30")
	form.Set("cal_day_2", "32/10/2027")
	status, _, body = s.post(t, of, "/actions/nouvelle", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Séance 2 : le 32/10/2027 n'existe pas") ||
		!strings.Contains(body, `href="#f-cal_day_2"`) {
		t.Fatalf("an unreadable session day: status %d: %.2000s", status, body)
	}
	form.Set("cal_day_2", "07/09/2027")
	status, loc, body := s.post(t, of, "/actions/nouvelle", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/actions/") {
		t.Fatalf("status %d location %q: %.500s", status, loc, body)
	}
	_, page := s.do(t, of, http.MethodGet, loc)
	for _, want := range []string{"CQP CC Paris 2029", "À examiner", "du 06/09/2027 au 30/06/2028", "mardi 07/09/2027", "09:00 – 12:00", "Cabinet A"} {
		if !strings.Contains(page, want) {
			t.Errorf("the action's page does not show %q", want)
		}
	}
	// The secretariat finds it on its dashboard and comments on it.
	sec := s.secretariat(t)
	_, dash := s.do(t, sec, http.MethodGet, "/")
	if !strings.Contains(dash, "Actions à examiner") || !strings.Contains(dash, `href="/actions?statut=declared"`) {
		t.Error("the dashboard has no card of the actions to review")
	}
	status, _, body = s.post(t, sec, loc+"/commentaires", url.Values{"comment": {"Merci de préciser le lieu."}})
	if status != http.StatusSeeOther {
		t.Fatalf("comment: %d %.300s", status, body)
	}
	status, _, body = s.post(t, sec, loc+"/refus", url.Values{"reason": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(field(t, body, "reason"), "Indiquez la raison du refus") {
		t.Errorf("refusal without a reason: %d", status)
	}
	_, page = s.do(t, of, http.MethodGet, loc)
	if !strings.Contains(page, "Merci de préciser le lieu.") || strings.Contains(page, "Refuser l'action") {
		t.Error("the organisation does not see the comment, or sees the secretariat's forms")
	}
}

func TestEnrollingACandidateInAnActionShowsTheFailedRuleUntilTheSecretariatDerogates(t *testing.T) {
	s := newSite(t)
	act := s.actionOfA(t)
	form := url.Values{"birth_name": {"Garnier"}, "first_names": {"Inès"}, "birth_date": {"12/02/2001"}, "sex": {"F"},
		"birth_insee": {"13055"}, "public": {"job_seeker"}, "blocks": {"OPT1", "OPT3"}, "company": {s.world.CompanyA},
		"referent": {s.world.UserIDs[s.world.Accounts[domain.RoleCompanyReferent]]}, "interview_on": {"02/11/2026"},
		"project": {"Chargée de clientèle"}, "motivation": {"Goût du conseil"}, "diploma_level": {"4"}, "experience_months": {"18"}}
	status, _, body := s.post(t, s.organisationA(t), "/actions/"+act+"/inscription", form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"Candidat non éligible.", "Règle appliquée : niveau de diplôme ou expérience professionnelle",
		"le candidat a un diplôme de niveau 4 (bac) et 18 mois d'expérience", "Seul le secrétariat peut inscrire ce candidat"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if strings.Contains(body, `name="derogation"`) {
		t.Error("an organisation is offered the derogation field")
	}
	if len(s.enrolled(t, act)) != 0 {
		t.Fatal("an ineligible candidate was enrolled")
	}
	form.Set("derogation", "Dix-huit mois de conseil en agence bancaire, jugés équivalents.")
	status, loc, body := s.post(t, s.secretariat(t), "/actions/"+act+"/inscription", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/inscriptions/") {
		t.Fatalf("derogation: status %d: %.500s", status, body)
	}
	_, page := s.do(t, s.organisationA(t), http.MethodGet, loc)
	for _, want := range []string{"GARNIER Inès", "Goût du conseil", "Niveau 4 (bac)", "non éligible", "Inscrit par dérogation",
		"Dix-huit mois de conseil", "OPT3", "Cabinet A", "company_referent", "version 1, figée"} {
		if !strings.Contains(page, want) {
			t.Errorf("the enrolment page does not show %q", want)
		}
	}
	_, actionPage := s.do(t, s.organisationA(t), http.MethodGet, "/actions/"+act)
	if !strings.Contains(actionPage, `href="`+loc+`"`) || !strings.Contains(actionPage, "par dérogation") {
		t.Error("the action's page does not list the candidate with a link to the enrolment")
	}
}

func TestTheReferentOfAnEnrolmentIsChangedFromItsPage(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	u, err := s.world.Service.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: "tuteur2@cqp.test", Name: "Claire Tuteur",
		Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCompanyReferent, ScopeID: s.world.CompanyA}}})
	if err != nil {
		t.Fatal(err)
	}
	of := s.organisationA(t)
	path := "/inscriptions/" + s.world.EnrolmentA
	_, page := s.do(t, of, http.MethodGet, path)
	if !strings.Contains(field(t, page, "referent"), "Claire Tuteur") {
		t.Fatal("the referent form does not offer the company's referents")
	}
	status, _, body := s.post(t, of, path+"/referent", url.Values{"referent": {"nobody"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(field(t, body, "referent"), "Ce compte n'existe pas.") {
		t.Errorf("unknown referent: %d", status)
	}
	status, _, body = s.post(t, of, path+"/referent", url.Values{"referent": {u.ID}})
	if status != http.StatusSeeOther {
		t.Fatalf("status %d: %.300s", status, body)
	}
	_, page = s.do(t, of, http.MethodGet, path)
	if !strings.Contains(page, "Claire Tuteur est désormais le référent entreprise") {
		t.Error("no confirmation")
	}
	referent := s.client(t, "tuteur2@cqp.test")
	if status, _ := s.do(t, referent, http.MethodGet, path); status != http.StatusOK {
		t.Errorf("the new referent cannot read the enrolment: %d", status)
	}
	if status, _ := s.do(t, s.client(t, s.world.OrgBAccount), http.MethodGet, path); status != http.StatusNotFound {
		t.Errorf("organisation B reads A's enrolment: %d", status)
	}
}

const importHeader = "nom_naissance;prenoms;date_naissance;sexe;code_insee_naissance;public;blocs_optionnels;siret_entreprise;date_entretien;projet;motivation;niveau_diplome;experience_mois\n"

func TestAnImportWithOneBadRowImportsNothingAndListsTheRow(t *testing.T) {
	s := newSite(t)
	act := s.actionOfA(t)
	csv := importHeader +
		"Rousseau;Jeanne;03/04/1999;F;75056;demandeur d'emploi;OPT1 OPT2;40483304800022;02/11/2026;Courtage;Reconversion;5;0\n" +
		"Blanc;Marc;31/02/1998;M;7505;salarié;OPT1 OPT2;;02/11/2026;Courtage;Évolution;4;30\n" +
		"Noir;Léo;03/04/1997;M;69123;salarié;OPT1 OPT2;;02/11/2026;Courtage;Évolution;5;0\n"
	status, body := s.upload(t, s.organisationA(t), "/actions/"+act+"/import", "liste.csv", []byte(csv))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %.500s", status, body)
	}
	for _, want := range []string{"Aucun candidat n'a été inscrit", "Ligne 3", "date_naissance", "Le 31/02/1998 n'existe pas",
		"code_insee_naissance", "n'a que 4 chiffres : s'il a perdu son 0 initial (départements 01 à 09), écrivez 07505"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if strings.Contains(body, "Ligne 2<") || strings.Contains(body, "Ligne 4<") {
		t.Error("a clean row is listed as wrong")
	}
	if n := len(s.enrolled(t, act)); n != 0 {
		t.Fatalf("%d candidates imported from a file with an error", n)
	}
}

func TestACleanImportEnrolsEveryRow(t *testing.T) {
	s := newSite(t)
	act := s.actionOfA(t)
	csv := strings.ReplaceAll(importHeader, ";", ",") +
		"Rousseau,Jeanne,03/04/1999,F,75056,demandeur d'emploi,\"OPT1, OPT2\",404 833 048 00022,02/11/2026,Courtage,Reconversion,5,0\n" +
		"Blanc,Marc,28/02/1998,M,01053,salarié,OPT1 OPT3,,02/11/2026,Courtage,\"Évolution, enfin\",aucun,30\n"
	of := s.organisationA(t)
	status, body := s.upload(t, of, "/actions/"+act+"/import", "liste.csv", []byte(csv))
	if status != http.StatusSeeOther {
		t.Fatalf("status %d: %.1500s", status, body)
	}
	rows := s.enrolled(t, act)
	if len(rows) != 2 || rows[0].Candidate.BirthName != "Blanc" || rows[0].Candidate.BirthINSEE != "01053" ||
		rows[1].Enrolment.CompanyID != s.world.CompanyA || rows[0].Enrolment.Intake.Motivation != "Évolution, enfin" {
		t.Fatalf("imported: %+v", rows)
	}
	_, page := s.do(t, of, http.MethodGet, "/actions/"+act)
	if !strings.Contains(page, "2 candidats du fichier « liste.csv » sont inscrits") || !strings.Contains(page, "ROUSSEAU Jeanne") {
		t.Error("the action's page does not confirm the import")
	}
	// The same file again: every row is already in the action.
	status, body = s.upload(t, of, "/actions/"+act+"/import", "liste.csv", []byte(csv))
	if status != http.StatusUnprocessableEntity || strings.Count(body, "déjà inscrit dans cette action") != 2 {
		t.Errorf("a second import: status %d", status)
	}
}

func TestAnExcelImportReadsDateCellsAndTheTemplateDescribesTheColumns(t *testing.T) {
	s := newSite(t)
	act := s.actionOfA(t)
	of := s.organisationA(t)
	res, err := of.Get(s.URL + "/actions/" + act + "/import/modele.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "modele-import-candidats.xlsx") {
		t.Fatalf("template: %d %v", res.StatusCode, res.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	help, err := f.GetRows("Aide")
	blocks := ""
	for _, row := range help {
		if len(row) > 0 && row[0] == "blocs_optionnels" {
			blocks = strings.Join(row, " ")
		}
	}
	if err != nil || len(help) < len(service.ImportColumns) || !strings.Contains(blocks, "OPT1 OPT2 OPT3") {
		t.Fatalf("help sheet: %v %v", help, err)
	}
	// Fill the template as a person would: dates typed into date cells become serial numbers.
	values := map[string]any{"nom_naissance": "Faure", "prenoms": "Nina", "sexe": "F", "code_insee_naissance": "2A004",
		"public": "jeune diplômée", "blocs_optionnels": "OPT2 OPT3", "projet": "Courtage", "motivation": "Stage réussi",
		"niveau_diplome": 6, "experience_mois": 4}
	header, _ := f.GetRows("Candidats")
	for i, col := range header[0] {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		switch col {
		case "date_naissance":
			f.SetCellValue("Candidats", cell, 36500.0) // 06/12/1999
		case "date_entretien":
			f.SetCellValue("Candidats", cell, 46328.0) // 02/11/2026
		default:
			if v, ok := values[col]; ok {
				f.SetCellValue("Candidats", cell, v)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	status, body := s.upload(t, of, "/actions/"+act+"/import", "liste.xlsx", buf.Bytes())
	if status != http.StatusSeeOther {
		t.Fatalf("status %d: %.1500s", status, body)
	}
	rows := s.enrolled(t, act)
	if len(rows) != 1 || rows[0].Candidate.BirthDate != domain.NewDate(1999, 12, 6) || rows[0].Enrolment.Intake.InterviewOn != domain.NewDate(2026, 11, 2) ||
		rows[0].Enrolment.Public != domain.PublicRecentGraduate {
		t.Fatalf("imported: %+v", rows)
	}
	res, err = of.Get(s.URL + "/actions/" + act + "/import/modele.csv")
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.HasPrefix(string(csv), "\xEF\xBB\xBFnom_naissance;nom_usage;prenoms;") {
		t.Errorf("CSV template: %q", csv)
	}
}

func TestAnImportTooLargeOrUnreadableIsRefusedInFrench(t *testing.T) {
	s := newSite(t)
	act := s.actionOfA(t)
	of := s.organisationA(t)
	status, body := s.upload(t, of, "/actions/"+act+"/import", "liste.csv", bytes.Repeat([]byte("a;b\n"), service.MaxImportSize/4+1))
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "dépasse la taille maximale de 2 Mo") {
		t.Errorf("too large: %d %.300s", status, body)
	}
	status, body = s.upload(t, of, "/actions/"+act+"/import", "liste.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Excel 97-2003 (.xls)") {
		t.Errorf(".xls: %d", status)
	}
	status, body = s.upload(t, of, "/actions/"+act+"/import", "liste.csv", []byte("nom;prénom\nA;B\n"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Colonnes obligatoires absentes") {
		t.Errorf("missing columns: %d", status)
	}
	status, _, body = s.post(t, of, "/actions/"+act+"/import", url.Values{})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Aucun fichier n'a été reçu") {
		t.Errorf("no file: %d", status)
	}
}

// The group marks screen is reached from the action page by those who record marks.
func TestTheActionPageLinksToTheGroupMarksScreen(t *testing.T) {
	s := newSite(t)
	act := s.actionOfA(t)
	res, err := s.organisationA(t).Get(s.URL + "/actions/" + act)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `href="/actions/`+act+`/notes"`) {
		t.Fatalf("status %d: no link to the group marks screen", res.StatusCode)
	}
}
