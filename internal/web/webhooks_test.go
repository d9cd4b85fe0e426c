package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// TestAccountPageManagesWebhooksInFrench creates a webhook on « Mon compte » as organisation
// A: the form is labelled in French, a bad address is refused with what to do, the secret
// shows once, and the delivery log lists the attempts; a role without the feed sees none of it.
func TestAccountPageManagesWebhooksInFrench(t *testing.T) {
	s := newSite(t)
	s.world.Service.SetEventSettle(0)
	c := s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation])
	_, page := s.do(t, c, http.MethodGet, "/compte")
	for _, want := range []string{`<h2 id="webhooks">Webhooks</h2>`, `<label for="f-url">Adresse de réception`, "Adresse de réception", `action="/compte/webhooks"`, "Créer un webhook"} {
		if !strings.Contains(page, want) {
			t.Fatalf("« Mon compte » lacks %q: %.4000s", want, page)
		}
	}

	code, _, page := s.postForm(t, c, "/compte/webhooks", url.Values{"url": {"http://exemple.fr/cqp"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "doit commencer par https://") {
		t.Errorf("a plain http address: %d %.600s", code, page)
	}

	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	defer receiver.Close()
	code, _, page = s.postForm(t, c, "/compte/webhooks", url.Values{"url": {receiver.URL + "/cqp"}})
	if code != http.StatusOK || !strings.Contains(page, `id="nouveau-secret"`) || !strings.Contains(page, service.WebhookSecretPrefix) {
		t.Fatalf("webhook creation: %d %.600s", code, page)
	}
	_, page = s.do(t, c, http.MethodGet, "/compte")
	if strings.Contains(page, service.WebhookSecretPrefix) || !strings.Contains(page, receiver.URL+"/cqp") || !strings.Contains(page, "Aucun envoi pour l'instant") {
		_, tail, _ := strings.Cut(page, `id="webhooks"`)
		t.Errorf("after creation the page shows: %s", tail)
	}

	// A change within the organisation's scope is delivered and logged.
	sys := domain.SystemActor("test")
	if _, err := s.world.Service.CreateCandidate(context.Background(), sys, service.CandidateInput{
		Candidate: domain.Candidate{BirthName: "Nouveau", FirstNames: "Jean", BirthDate: domain.NewDate(1990, 1, 2),
			Sex: domain.SexMale, BirthINSEE: "75056", BirthCity: "Paris"},
		Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
			TrainingOrganisationID: s.world.OrgA, Blocks: s.world.OptionalBlocks(t, "CC")},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.world.Service.RunWebhooks(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, page = s.do(t, c, http.MethodGet, "/compte")
	for _, want := range []string{`<th scope="col">Statut HTTP</th>`, "<td>202</td>", "candidate.create", "reçu"} {
		if !strings.Contains(page, want) {
			t.Errorf("the delivery log lacks %q: %.6000s", want, page)
		}
	}

	funder := s.client(t, s.world.Accounts[domain.RoleFunder])
	if _, page := s.do(t, funder, http.MethodGet, "/compte"); strings.Contains(page, "Webhooks") {
		t.Error("a funder, who does not read the feed, is offered webhooks")
	}
}
