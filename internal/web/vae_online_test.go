package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

func TestAPersonAsksForAVAEWithoutAnAccount(t *testing.T) {
	s := newSite(t)
	c := s.client(t, "")
	ctx := context.Background()
	sec := s.world.Actor(t, s.world.Accounts[domain.RoleSecretariat])
	status, body := s.do(t, c, http.MethodGet, "/demande-vae")
	if status != http.StatusOK || !strings.Contains(body, "Demander une VAE") || !strings.Contains(body, `name="blocks_IARD"`) {
		t.Fatalf("form: %d %.300s", status, body)
	}
	post := func(v url.Values) (int, string) {
		t.Helper()
		res, err := c.PostForm(s.URL+"/demande-vae", v)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, html.UnescapeString(string(b))
	}
	form := url.Values{"birth_name": {"Kervella"}, "first_names": {"Gaëlle"}, "birth_date": {"02/06/1988"}, "sex": {"F"},
		"birth_insee": {"29019"}, "email": {"gaelle.kervella@example.fr"}, "qualification": {"IARD"}, "public": {"employee"},
		"message": {"Deux ans en cabinet."}}
	form["blocks_IARD"] = s.world.OptionalBlocks(t, "IARD")

	t.Run("a form left almost empty reports every error at once, in the form's order", func(t *testing.T) {
		status, body := post(url.Values{"birth_date": {"30/02/1995"}, "first_names": {""}, "birth_name": {""}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("%d", status)
		}
		summary := body[strings.Index(body, `id="erreurs"`):]
		summary = summary[:strings.Index(summary, "</div>")]
		last := -1
		for _, field := range []string{"birth_name", "first_names", "birth_date", "sex", "birth_insee", "email", "qualification", "consent"} {
			i := strings.Index(summary, `href="#f-`+field+`"`)
			if i < 0 {
				t.Errorf("the summary does not name %s: %s", field, summary)
				continue
			}
			if i < last {
				t.Errorf("%s is out of the form's order in the summary", field)
			}
			last = i
		}
		if !strings.Contains(summary, "Le 30/02/1995 n'existe pas") {
			t.Errorf("the impossible date is not said so: %s", summary)
		}
	})
	t.Run("without consent nothing is recorded and what was typed stays", func(t *testing.T) {
		status, body := post(form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Cochez la case") || !strings.Contains(body, `value="Kervella"`) {
			t.Fatalf("%d %.400s", status, body)
		}
	})
	form.Set("consent", "yes")
	t.Run("a complete request is recorded, acknowledged and sent to the secretariat", func(t *testing.T) {
		status, body := post(form)
		if status != http.StatusOK || !strings.Contains(body, "Votre demande de VAE est reçue") || !strings.Contains(body, "gaelle.kervella@example.fr") {
			t.Fatalf("%d %.400s", status, body)
		}
		files, err := s.world.Service.VAEFiles(ctx, sec, service.VAEListFilter{Statuses: []domain.VAEStatus{domain.VAERequested}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range files {
			found = found || (f.Candidate.BirthName == "Kervella" && f.File.RequestedBy == domain.RequestedByCandidate)
		}
		if !found {
			t.Fatalf("the request is not in the secretariat's list: %+v", files)
		}
	})
	t.Run("the same address cannot ask twice for the same qualification", func(t *testing.T) {
		status, body := post(form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "déjà en cours") {
			t.Fatalf("%d %.400s", status, body)
		}
	})
	t.Run("an address that sends too many requests is told to wait", func(t *testing.T) {
		var status int
		var body string
		for i := range service.OnlineRequestLimit {
			form.Set("email", "autre"+string(rune('a'+i))+"@example.fr")
			status, body = post(form)
		}
		if status != http.StatusTooManyRequests || !strings.Contains(body, "Trop de demandes") {
			t.Fatalf("%d %.400s", status, body)
		}
	})
}
