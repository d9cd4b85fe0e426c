package web_test

import (
	"net/http"
	"strings"
	"testing"

	"cqp/internal/domain"
)

func TestTheVAEListNamesTheReviewingOrganisationToThoseWhoReadTheFile(t *testing.T) {
	s := newSite(t)
	s.world.VAE(t)
	for _, c := range []struct {
		role  domain.Role
		shows bool
	}{{domain.RoleSecretariat, true}, {domain.RoleTrainingOrganisation, true}, {domain.RoleCompany, false}} {
		status, body := s.do(t, s.client(t, s.world.Accounts[c.role]), http.MethodGet, "/vae")
		if status != http.StatusOK || !strings.Contains(body, "LEFÈVRE") {
			t.Fatalf("%s: status %d, body %.300s", c.role, status, body)
		}
		if got := strings.Contains(body, "Organisme sollicité et avis") && strings.Contains(body, "Organisme A"); got != c.shows {
			t.Errorf("%s: reviewing organisation shown = %v, want %v", c.role, got, c.shows)
		}
	}
}
