package web_test

import (
	"net/http"
	"strings"
	"testing"

	"cqp/internal/domain"
)

// A candidate's menu holds their own file and no page they cannot use: no « Référentiels »,
// no « VAE » on the formation route; their file's back link leads to their dashboard.
func TestACandidateMenuHoldsTheirFileAndNothingElse(t *testing.T) {
	s := newSite(t)
	me := s.client(t, s.world.Accounts[domain.RoleCandidate])
	status, body := s.do(t, me, http.MethodGet, "/")
	if status != http.StatusOK || !strings.Contains(body, `href="/candidats/`+s.world.CandidateA+`"`) || !strings.Contains(body, "Mon dossier") {
		t.Fatalf("the dashboard's menu lacks the candidate's own file (%d)", status)
	}
	for _, absent := range []string{`href="/referentiels"`, `href="/vae"`, `href="/candidats">`} {
		if strings.Contains(body, absent) {
			t.Errorf("a formation candidate's menu holds %s", absent)
		}
	}
	if _, body := s.do(t, me, http.MethodGet, "/candidats/"+s.world.CandidateA); !strings.Contains(body, `<a href="/">← Tableau de bord</a>`) {
		t.Error("the candidate's file leads back to a list they may not read")
	}
}
