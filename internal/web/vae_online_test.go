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
