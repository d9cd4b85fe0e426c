package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
)

// The secretariat corrects a candidate's identity from the candidate's page: the form is
// prefilled but for the NIR; a refused form shows every error at once and keeps what was
// typed; a valid one is recorded. Nobody else sees the link.
func TestTheSecretariatCorrectsAnIdentity(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	id := s.world.CandidateA
	first13 := "2950375056123" // candidate A: a woman born in March 1995 in Paris
	nir := first13 + domain.NIRKey(first13)
	if err := s.world.Service.SetCandidateNIR(ctx, domain.SystemActor("test"), id, nir); err != nil {
		t.Fatal(err)
	}
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	if _, body := s.do(t, sec, http.MethodGet, "/candidats/"+id); !strings.Contains(body, `href="/candidats/`+id+`/identite"`) {
		t.Fatal("the candidate's page has no link to correct the identity")
	}
	of := s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation])
	if _, body := s.do(t, of, http.MethodGet, "/candidats/"+id); strings.Contains(body, "/identite") {
		t.Fatal("an OF is offered to correct an identity")
	}
	path := "/candidats/" + id + "/identite"
	status, body := s.do(t, sec, http.MethodGet, path)
	if status != http.StatusOK || !strings.Contains(body, `value="Lefèvre"`) || !strings.Contains(body, `value="14/03/1995"`) ||
		!strings.Contains(body, `name="nir" type="text" value=""`) || !strings.Contains(body, "révoque") {
		t.Fatalf("the form: %d\n%s", status, body)
	}
	form := url.Values{"birth_name": {"Lefèvre"}, "first_names": {"Héloïse"}, "birth_date": {"14/03/1996"}, "sex": {"F"},
		"birth_insee": {"75056"}, "birth_city": {"Paris"}, "used_name": {strings.Repeat("x", 61)}, "reason": {""}}
	status, _, page := s.post(t, sec, path, form)
	page = html.UnescapeString(page)
	for _, want := range []string{"Le NIR enregistré ne correspond plus", "Ce nom compte 61 caractères", "Indiquez la pièce", `value="Héloïse"`, `value="14/03/1996"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a refused correction: %d", status)
	}
	form.Set("birth_date", "14/03/1995")
	form.Set("used_name", "")
	form.Set("reason", "Acte de naissance")
	if status, loc, _ := s.post(t, sec, path, form); status != http.StatusSeeOther || loc != "/candidats/"+id {
		t.Fatalf("a valid correction: %d %s", status, loc)
	}
	if _, body := s.do(t, sec, http.MethodGet, "/candidats/"+id); !strings.Contains(body, "Héloïse") {
		t.Fatal("the correction does not show")
	}
	if status, _, _ := s.post(t, of, path, form); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Fatalf("an OF corrects an identity: %d", status)
	}
}

// A person born abroad names their country from the INSEE list (suggested by the form, found
// without accents), and a sex other than F or M is recorded and shown.
func TestAnIdentityBornAbroadWithSexOther(t *testing.T) {
	s := newSite(t)
	id := s.world.CandidateA
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	path := "/candidats/" + id + "/identite"
	if _, body := s.do(t, sec, http.MethodGet, path); !strings.Contains(body, `list="insee-countries"`) ||
		!strings.Contains(body, `<option value="Sénégal">`) || !strings.Contains(body, `name="sex" value="X"`) {
		t.Fatal("the form suggests no country, or offers no third sex")
	}
	form := url.Values{"birth_name": {"Lefèvre"}, "first_names": {"Éloïse"}, "birth_date": {"14/03/1995"}, "sex": {"X"},
		"birth_insee": {""}, "birth_city": {"Abidjan"}, "birth_country": {"Atlantide"}, "reason": {"Passeport"}}
	status, _, page := s.post(t, sec, path, form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(page), "« Atlantide » ne figure pas dans la liste des pays de l'INSEE") {
		t.Fatalf("an unknown country: %d", status)
	}
	form.Set("birth_country", "cote d'ivoire")
	if status, _, _ := s.post(t, sec, path, form); status != http.StatusSeeOther {
		t.Fatalf("a valid correction: %d", status)
	}
	_, body := s.do(t, sec, http.MethodGet, "/candidats/"+id)
	body = html.UnescapeString(body)
	if !strings.Contains(body, "Côte d’Ivoire") || !strings.Contains(body, "<dd>Autre</dd>") {
		t.Fatalf("the candidate's page: %s", body)
	}
}
