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

func init() { sampleSources = append(sampleSources, registerSamples) }

func registerSamples(t testing.TB, w *servicetest.World) routeSamples {
	o, err := w.Service.TrainingOrganisation(context.Background(), domain.SystemActor("test"), w.OrgA)
	if err != nil || len(o.Accreditations) == 0 {
		t.Fatalf("organisation A: %v", err)
	}
	return routeSamples{Paths: map[string]string{
		"/organismes/{id}/habilitations/{acc}/statut": "/organismes/" + w.OrgA + "/habilitations/" + o.Accreditations[0].ID + "/statut",
	}}
}

func TestAccreditationRegisterFromTheWeb(t *testing.T) {
	s := newSite(t)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	o, err := s.world.Service.TrainingOrganisation(context.Background(), domain.SystemActor("test"), s.world.OrgA)
	if err != nil {
		t.Fatal(err)
	}
	accID := o.Accreditations[0].ID
	statusPath := "/organismes/" + s.world.OrgA + "/habilitations/" + accID + "/statut"

	t.Run("a suspension without reason is refused on the organisation's page", func(t *testing.T) {
		res, err := sec.PostForm(s.URL+statusPath, url.Values{"to": {"suspended"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.StatusCode)
		}
	})

	t.Run("the secretariat suspends with a reason and the page says so", func(t *testing.T) {
		res, err := sec.PostForm(s.URL+statusPath, url.Values{"to": {"suspended"}, "reason": {"Audit défavorable"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", res.StatusCode)
		}
		_, body := s.do(t, sec, http.MethodGet, "/organismes/"+s.world.OrgA)
		for _, want := range []string{"suspendue", "Motif : Audit défavorable", `value="active">Rétablir`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})

	t.Run("the register downloads as CSV with the status, for the secretariat and the branch only", func(t *testing.T) {
		for _, role := range []domain.Role{domain.RoleSecretariat, domain.RoleBranch} {
			status, h, b := s.download(t, s.client(t, s.world.Accounts[role]), "/organismes/registre.csv")
			if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") ||
				!strings.Contains(h.Get("Content-Disposition"), "registre-organismes-habilites-") {
				t.Fatalf("%s: status %d, headers %v", role, status, h)
			}
			if csv := string(b); !strings.Contains(csv, "SIRET;Raison sociale") || !strings.Contains(csv, ";suspendue;Audit défavorable;") {
				t.Errorf("%s: %s", role, csv)
			}
		}
		status, h, _ := s.download(t, sec, "/organismes/registre.xlsx")
		if status != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("xlsx: %d %v", status, h)
		}
		for _, role := range []domain.Role{domain.RoleTrainingOrganisation, domain.RoleCompany, domain.RoleCandidate, domain.RoleFunder} {
			if status, _ := s.do(t, s.client(t, s.world.Accounts[role]), http.MethodGet, "/organismes/registre.csv"); status != http.StatusForbidden {
				t.Errorf("%s downloads the register: %d", role, status)
			}
		}
		_, body := s.do(t, sec, http.MethodGet, "/organismes")
		if !strings.Contains(body, "Registre des organismes habilités") || !strings.Contains(body, "Dernier export le") {
			t.Errorf("the list's register line: %.2000s", body)
		}
	})

	t.Run("the secretariat saves a version of the obligations", func(t *testing.T) {
		res, err := sec.PostForm(s.URL+"/organismes/obligations", url.Values{"text": {"Respecter le référentiel."}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", res.StatusCode)
		}
		_, body := s.do(t, sec, http.MethodGet, "/organismes/obligations")
		if !strings.Contains(body, "Version 1 en vigueur") || !strings.Contains(body, "Respecter le référentiel.") {
			t.Errorf("%.2000s", body)
		}
	})
}
