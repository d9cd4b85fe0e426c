package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
)

// The privacy page is public and prints the branch's rules as they stand; the secretariat sets
// them, all or nothing, with a French message on the field that is wrong.
func TestRetentionRulesAreSetBySecretariatAndPublished(t *testing.T) {
	s := newSite(t)
	anonymous, sec := s.client(t, ""), s.client(t, s.world.Accounts[domain.RoleSecretariat])
	status, body := s.do(t, anonymous, http.MethodGet, "/confidentialite")
	if status != http.StatusOK || !strings.Contains(body, "</strong> : 2 ans après") || !strings.Contains(body, "CNIL") || !strings.Contains(body, "</strong> : 5 ans après") {
		t.Fatalf("privacy page: %d %.300s", status, body)
	}
	status, body = s.do(t, sec, http.MethodGet, "/parametres/conservation")
	if status != http.StatusOK || !strings.Contains(body, `name="months_vae_files" type="number" value="24"`) || !strings.Contains(body, "Durée par défaut") {
		t.Fatalf("settings page: %d", status)
	}
	status, _, page := s.post(t, sec, "/parametres/conservation", url.Values{"months_vae_files": {"18"}, "months_mail": {"0"}, "months_unfinished_candidates": {"60"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "entre 1 et 360 mois (reçu : 0)") || !strings.Contains(page, `value="18"`) {
		t.Fatalf("bad months: %d", status)
	}
	if _, body := s.do(t, anonymous, http.MethodGet, "/confidentialite"); !strings.Contains(body, "</strong> : 2 ans après") {
		t.Fatal("a refused form changed a rule")
	}
	status, loc, _ := s.post(t, sec, "/parametres/conservation", url.Values{"months_vae_files": {"18"}, "months_mail": {"6"}, "months_unfinished_candidates": {"60"}})
	if status != http.StatusSeeOther || loc != "/parametres/conservation" {
		t.Fatalf("saving: %d %s", status, loc)
	}
	if _, body := s.do(t, anonymous, http.MethodGet, "/confidentialite"); !strings.Contains(body, "</strong> : 1 an et 6 mois après") || !strings.Contains(body, "</strong> : 6 mois après") {
		t.Fatal("the privacy page does not print the new rules")
	}
}

// Erasure on request: the secretariat sees what goes and what stays; with an enrolment under
// way the page says why it cannot erase and offers no form; once the enrolment ends, an
// erasure without the request nor the confirmation is refused with both messages, then done.
func TestErasureOnRequestFromTheCandidatePage(t *testing.T) {
	s := newSite(t)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	path := "/candidats/" + s.world.CandidateB + "/effacement"
	status, body := s.do(t, sec, http.MethodGet, "/candidats/"+s.world.CandidateB)
	if status != http.StatusOK || !strings.Contains(body, `href="`+path+`"`) {
		t.Fatalf("candidate page has no erasure link: %d", status)
	}
	status, body = s.do(t, sec, http.MethodGet, path)
	if status != http.StatusOK || !strings.Contains(body, "est en cours") || strings.Contains(body, `name="reason"`) || !strings.Contains(body, "journal d") {
		t.Fatalf("erasure page with an enrolment under way: %d %.400s", status, body)
	}
	c, err := s.world.Service.Candidate(context.Background(), domain.SystemActor("test"), s.world.CandidateB)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Enrolments {
		if _, err := s.world.Service.SetEnrolmentStatus(context.Background(), s.world.Actor(t, s.world.Accounts[domain.RoleSecretariat]),
			c.ID, e.ID, domain.StatusWithdrawn, "Demande d'effacement"); err != nil {
			t.Fatal(err)
		}
	}
	status, _, page := s.post(t, sec, path, url.Values{"reason": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Indiquez la demande") || !strings.Contains(page, "Cochez la case") {
		t.Fatalf("erasing without request nor confirmation: %d", status)
	}
	status, _, page = s.post(t, sec, path, url.Values{"reason": {"Courriel du 02/12/2026"}, "confirm": {"oui"}})
	if status != http.StatusOK || !strings.Contains(page, "sont effacées") || !strings.Contains(page, "identité effacée") {
		t.Fatalf("erasing: %d %.500s", status, page)
	}
	status, body = s.do(t, sec, http.MethodGet, "/candidats/"+s.world.CandidateB)
	if status != http.StatusOK || !strings.Contains(body, "Personne anonymisée") || strings.Contains(body, `href="`+path+`"`) {
		t.Fatalf("candidate page after erasure: %d", status)
	}
}
