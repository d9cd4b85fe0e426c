package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
)

// TestFormsRefuseHiddenCharactersAndKeepTheTextAreasLines posts names and texts holding
// characters no keyboard types: a right-to-left override that would show « Cabinet » while
// storing something else, a bell, a line break in a one-line name. Each is refused in French
// and nothing is recorded; a text area's line breaks are kept.
func TestFormsRefuseHiddenCharactersAndKeepTheTextAreasLines(t *testing.T) {
	s := newSite(t)
	sec := s.secretariat(t)
	for name, company := range map[string]string{
		"a right-to-left override": "Cabinet \u202Eeniluj",
		"an isolate":               "Cabinet \u2067Julien\u2069",
		"a bell":                   "Cabinet\u0007 Julien",
		"a line break in a name":   "Cabinet\nJulien",
	} {
		t.Run(name, func(t *testing.T) {
			status, _, body := s.post(t, sec, "/entreprises/nouveau", url.Values{"name": {company}, "siret": {"73282932000074"}, "city": {"Lyon"}})
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %.500s", status, body)
			}
			if !strings.Contains(body, "caractère") && !strings.Contains(body, "une ligne") {
				t.Errorf("the refusal does not say why: %.3000s", body)
			}
		})
	}
	if _, list := s.do(t, sec, http.MethodGet, "/entreprises"); strings.Contains(list, "Julien") {
		t.Error("a refused company was recorded")
	}

	t.Run("a text area keeps its line breaks", func(t *testing.T) {
		v := s.world.VAE(t)
		path := "/vae/" + v.SideA + "/validite"
		status, _, _ := s.post(t, sec, path, url.Values{"extend_until": {"25/12/2027"}, "extend_reason": {"Raison \u202Eesuaf"}})
		if status != http.StatusUnprocessableEntity {
			t.Errorf("a reason with an override: status %d, want 422", status)
		}
		reason := "Arrêt maladie de la candidate.\r\nJustificatif reçu le 20/11."
		status, _, body := s.post(t, sec, path, url.Values{"extend_until": {"25/12/2027"}, "extend_reason": {reason}})
		if status != http.StatusSeeOther {
			t.Fatalf("status %d: %.500s", status, body)
		}
		file, err := s.world.Service.VAE(context.Background(), domain.SystemActor("test"), v.SideA)
		if err != nil {
			t.Fatal(err)
		}
		if got := file.File.ValidUntil.String(); got != "25/12/2027" {
			t.Errorf("valid until %s, want 25/12/2027", got)
		}
	})
}

// TestEMailAddressesThatCouldBendAMailAreRefused creates accounts whose address holds a line
// break (a second header would follow it) or a quoted local part: both are refused.
func TestEMailAddressesThatCouldBendAMailAreRefused(t *testing.T) {
	s := newSite(t)
	sec := s.secretariat(t)
	for _, email := range []string{"jeanne@of-a.test\r\nBcc:tous@exemple.fr", "jeanne@of-a.test\nBcc:tous@exemple.fr",
		`"jeanne"@of-a.test`, `"jeanne@x"@of-a.test`, "jeanne\u202E@of-a.test"} {
		status, _, body := s.post(t, sec, "/comptes/nouveau", url.Values{"name": {"Jeanne"}, "email": {email}, "role": {"branch"}})
		if status != http.StatusUnprocessableEntity {
			t.Errorf("%q: status %d, want 422", email, status)
			continue
		}
		if strings.Contains(body, "caractère invisible") {
			continue // refused with the whole form, before the account's checks
		}
		if f := field(t, body, "email"); !strings.Contains(f, "adresse e-mail valide") {
			t.Errorf("%q: the refusal does not say why: %s", email, f)
		}
	}
	if _, outbox := s.do(t, sec, http.MethodGet, "/courriels"); strings.Contains(outbox, "exemple.fr") {
		t.Error("a mail went to a bent address")
	}
}

// TestACommonPasswordIsRefused changes one's password to passwords that head every leaked
// list although they have 12 characters: refused, and the old password still opens.
func TestACommonPasswordIsRefused(t *testing.T) {
	s := newSite(t)
	email := s.world.Accounts[domain.RoleBranch]
	c := s.client(t, email)
	for _, pw := range []string{"motdepasse123", "Azertyuiop123!", "123456789012", "PasswordPassword"} {
		status, _, body := s.post(t, c, "/compte/mot-de-passe", url.Values{"current": {servicetest.Password}, "password": {pw}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "des plus courants") {
			t.Errorf("%q: status %d, or the refusal does not say why", pw, status)
		}
	}
	s.client(t, email) // logs in with the old password, or fails the test
	status, _, _ := s.post(t, c, "/compte/mot-de-passe", url.Values{"current": {servicetest.Password}, "password": {"ciel pomme violon 42"}})
	if status != http.StatusSeeOther {
		t.Errorf("an uncommon password: status %d, want 303", status)
	}
}
