package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

func TestACompanyEnrolsItsEmployeeOnBlocksWithErrorsAtEachField(t *testing.T) {
	s := newSite(t)
	company := s.client(t, s.world.Accounts[domain.RoleCompany])
	page := "/entreprises/" + s.world.CompanyA + "/inscription-blocs"

	status, body := s.do(t, company, http.MethodGet, page)
	for _, want := range []string{"<h1>Inscrire un salarié à des blocs de compétences</h1>", `for="f-qualification"`, `for="f-training_organisation"`,
		`for="f-referent"`, `for="f-candidate"`, "LEFÈVRE Éloïse", "Organisme A (Paris) — habilité pour Chargé de clientèle", `name="blocks_CC" value="BC1"`} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the page (status %d) lacks %q", status, want)
		}
	}
	if _, body := s.do(t, company, http.MethodGet, "/entreprises/"+s.world.CompanyA); !strings.Contains(body, `href="`+page+`"`) {
		t.Error("the company's page does not link to the blocs enrolment")
	}

	status, _, body = s.post(t, company, page, url.Values{"referent": {""}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: status %d", status)
	}
	for field, want := range map[string]string{
		"qualification":         "Choisissez la qualification visée",
		"training_organisation": "Choisissez l'organisme de formation habilité",
		"referent":              "Désignez le référent entreprise",
		"birth_name":            "nom de naissance",
	} {
		if !strings.Contains(body, `id="e-`+field+`"`) || !strings.Contains(body, want) {
			t.Errorf("no French error at %s saying %q", field, want)
		}
	}

	referent := s.world.UserIDs[s.world.Accounts[domain.RoleCompanyReferent]]
	form := url.Values{"qualification": {"CC"}, "training_organisation": {s.world.OrgA}, "referent": {referent},
		"birth_name": {"Garnier"}, "first_names": {"Inès"}, "birth_date": {"12/02/2001"}, "sex": {"F"}, "birth_insee": {"13055"}}
	status, _, body = s.post(t, company, page, form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-blocks"`) || !strings.Contains(body, "choisissez au moins un bloc") {
		t.Errorf("no block: status %d", status)
	}
	form["blocks_CC"] = []string{"BC2", "OPT1", "OPT2", "OPT3"}
	status, _, body = s.post(t, company, page, form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "trop de blocs optionnels") || !strings.Contains(body, `value="OPT3" checked`) {
		t.Errorf("too many optional blocks: status %d", status)
	}
	form["blocks_CC"] = []string{"BC2", "OPT1"}
	status, loc, body := s.post(t, company, page, form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/inscriptions/") {
		t.Fatalf("enrolment: status %d: %.600s", status, body)
	}
	_, body = s.do(t, company, http.MethodGet, loc)
	for _, want := range []string{"Blocs choisis", "BC2", "Blocs déjà acquis", "Aucun bloc de ce CQP n'est encore acquis",
		"Blocs restant à acquérir pour le CQP", "BC1", "1 bloc optionnel à choisir parmi : OPT2, OPT3"} {
		if !strings.Contains(body, want) {
			t.Errorf("the enrolment page lacks %q", want)
		}
	}
}

func TestTheBlocsEnrolmentPageKeepsToTheCompanysScope(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct {
		who, path string
		get, post int
	}{
		{s.world.Accounts[domain.RoleCompany], "/entreprises/" + s.world.CompanyA + "/inscription-blocs", http.StatusOK, http.StatusUnprocessableEntity},
		{s.world.Accounts[domain.RoleCompany], "/entreprises/" + s.world.CompanyB + "/inscription-blocs", http.StatusNotFound, http.StatusNotFound},
		{s.world.Accounts[domain.RoleSecretariat], "/entreprises/" + s.world.CompanyB + "/inscription-blocs", http.StatusOK, http.StatusUnprocessableEntity},
		{s.world.Accounts[domain.RoleTrainingOrganisation], "/entreprises/" + s.world.CompanyA + "/inscription-blocs", http.StatusForbidden, http.StatusForbidden},
		{s.world.Accounts[domain.RoleCompanyReferent], "/entreprises/" + s.world.CompanyA + "/inscription-blocs", http.StatusForbidden, http.StatusForbidden},
		{s.world.Accounts[domain.RoleCandidate], "/entreprises/" + s.world.CompanyA + "/inscription-blocs", http.StatusForbidden, http.StatusForbidden},
	} {
		c := s.client(t, tc.who)
		if status, _ := s.do(t, c, http.MethodGet, tc.path); status != tc.get {
			t.Errorf("%s GET %s: %d, want %d", tc.who, tc.path, status, tc.get)
		}
		if status, _ := s.do(t, c, http.MethodPost, tc.path); status != tc.post {
			t.Errorf("%s POST %s: %d, want %d", tc.who, tc.path, status, tc.post)
		}
	}
}

func TestAnOrganisationEnrolsAKnownCandidateInABlocsActionByNumberAndBirthDate(t *testing.T) {
	s := newSite(t)
	ctx, sys := context.Background(), domain.SystemActor("test")
	act, err := s.world.Service.DeclareAction(ctx, sys, service.ActionInput{TrainingOrganisationID: s.world.OrgA, QualificationCode: "CC",
		Route: domain.RouteBlocs, Title: "Blocs — Paris 2027", StartsOn: domain.NewDate(2027, 1, 4), EndsOn: domain.NewDate(2027, 6, 30), PlannedHours: 120})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.world.Service.Candidate(ctx, sys, s.world.CandidateA)
	if err != nil {
		t.Fatal(err)
	}
	of := s.organisationA(t)
	page := "/actions/" + act.ID + "/inscription"
	_, body := s.do(t, of, http.MethodGet, page)
	for _, want := range []string{"Candidat déjà connu", `for="f-candidate_number"`, `for="f-candidate_birth_date"`, "Blocs de compétences choisis",
		`name="blocks" value="BC1"`, "aucune condition d'accès"} {
		if !strings.Contains(body, want) {
			t.Errorf("the blocs action's form lacks %q", want)
		}
	}
	form := url.Values{"candidate_number": {a.Number}, "candidate_birth_date": {"15/03/1995"}, "public": {"employee"}, "blocks": {"BC3"},
		"interview_on": {"02/11/2026"}, "project": {"Compléter le CQP"}, "motivation": {"Évolution"}, "diploma_level": {"0"}, "experience_months": {"0"}}
	status, _, body := s.post(t, of, page, form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-candidate_number"`) || !strings.Contains(body, "Aucun candidat ne porte ce numéro") {
		t.Errorf("wrong birth date: status %d", status)
	}
	if strings.Contains(body, `id="e-birth_name"`) {
		t.Error("a known candidate is asked for an identity")
	}
	form.Set("candidate_birth_date", "14/03/1995")
	// BC3 is under way on candidate A's formation enrolment: it is presented on one enrolment at a time.
	status, _, body = s.post(t, of, page, form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Le bloc BC3 (inscription « Formation », « Inscrit ») est déjà en cours sur une autre inscription") {
		t.Errorf("a block under way elsewhere: status %d", status)
	}
	if _, err := s.world.Service.SetEnrolmentStatus(ctx, sys, a.ID, a.Enrolments[0].ID, domain.StatusWithdrawn, "Réorientée vers la voie des blocs."); err != nil {
		t.Fatal(err)
	}
	status, loc, body := s.post(t, of, page, form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/inscriptions/") {
		t.Fatalf("known candidate: status %d: %.600s", status, body)
	}
	_, body = s.do(t, of, http.MethodGet, "/candidats/"+s.world.CandidateA)
	if !strings.Contains(body, "Blocs choisis") || !strings.Contains(body, "Blocs restant à acquérir pour le CQP") {
		t.Error("the candidate's page does not show the blocs enrolment's blocks")
	}
	member := s.client(t, s.world.Accounts[domain.RoleCommissionMember])
	if status, body := s.do(t, member, http.MethodGet, "/candidats/"+s.world.CandidateA); status != http.StatusOK || strings.Contains(body, "Blocs choisis") {
		t.Errorf("a commission member reads the candidate of their oral with a blocs enrolment outside it: status %d", status)
	}
}
