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

// temptingForm is what a page could post to write a result if one let it: every field name
// the forms use for statuses, outcomes, decisions and blocks, set to a result.
func temptingForm(enrolments ...string) url.Values {
	return url.Values{
		"status": {"certified"}, "outcome": {"certified"}, "result": {"certified"}, "decision": {"A"},
		"block": {"BC1"}, "blocks": {"BC1", "BC2"}, "reason": {"Tentative d'écrire un résultat hors du jury"},
		"enrolments": enrolments, "enrolment": {enrolments[0]}, "correction_reason": {"Correction"},
	}
}

// TestNoRouteButAJurysClosingWritesAResult walks every web route that changes something, with
// every role, posting a form full of results, on a world where candidates await a jury that
// deliberates; only closing a session may write a result (DOMAIN.md §7 rule 4), so the walk
// skips it, and afterwards every result in the database is accounted for by a closed session.
func TestNoRouteButAJurysClosingWritesAResult(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	rs := samples(t, s.world)
	clients := map[domain.Role]*http.Client{}
	for _, role := range domain.Roles {
		clients[role] = s.client(t, s.world.Accounts[role])
	}
	c, err := s.world.Service.Candidate(ctx, domain.SystemActor("test"), s.world.CandidateA)
	if err != nil {
		t.Fatal(err)
	}
	form := temptingForm(c.Enrolments[0].ID).Encode()
	walked := 0
	for _, r := range s.routes {
		method, _, _ := strings.Cut(r.Pattern, " ")
		if method == http.MethodGet || !strings.Contains(r.Pattern, " ") || strings.Contains(r.Pattern, "deconnexion") || strings.HasSuffix(r.Pattern, "/cloture") {
			continue
		}
		path, ok := rs.samplePath(r.Pattern)
		if !ok {
			t.Errorf("route %q has no sample path", r.Pattern)
			continue
		}
		for _, role := range domain.Roles {
			req, err := http.NewRequest(method, s.URL+path, strings.NewReader(form))
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := clients[role].Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("%s %s as %s: %d", method, path, role, res.StatusCode)
			}
		}
		walked++
	}
	if walked < 40 {
		t.Fatalf("only %d routes walked", walked)
	}
	servicetest.CheckResultsCameFromJuries(t, s.store)
}
