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
