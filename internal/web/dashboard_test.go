package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"cqp/internal/domain"
)

var firstTask = regexp.MustCompile(`<ul class="cards tasks">\s*<li><a href="([^"]+)"><span class="count">[^<]*</span> ([^<]+)</a>`)

// Each role lands on its tasks and reaches the first one in one click; a candidate lands on
// their own route.
func TestEachRoleFindsItsNextTaskOnTheDashboard(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct {
		role     domain.Role
		task     string // the first task's text
		landing  string // what the page behind the first task's link shows
		noTask   bool
		ownRoute string
	}{
		{role: domain.RoleCommissionMember, task: "Oraux de certification à venir", landing: "LEFÈVRE"},
		{role: domain.RoleSecretariat, task: "Commissions d'évaluation à compléter", landing: "Commission A"},
		{role: domain.RoleCandidate, noTask: true, ownRoute: "Étape : <strong>Inscrit</strong>"},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			c := s.client(t, s.world.Accounts[tc.role])
			status, body := s.do(t, c, http.MethodGet, "/")
			body = html.UnescapeString(body)
			if status != http.StatusOK || strings.Contains(body, "Rien ne vous attend") {
				t.Fatalf("dashboard: %d", status)
			}
			if tc.ownRoute != "" && (!strings.Contains(body, tc.ownRoute) || !strings.Contains(body, `href="/candidats/`+s.world.CandidateA+`"`)) {
				t.Fatalf("the candidate's route is missing:\n%s", body)
			}
			m := firstTask.FindStringSubmatch(body)
			if tc.noTask {
				if m != nil {
					t.Fatalf("unexpected task list: %s", m[0])
				}
				return
			}
			if m == nil || m[2] != tc.task {
				t.Fatalf("no task %q first:\n%s", tc.task, body)
			}
			status, page := s.do(t, c, http.MethodGet, m[1])
			if status != http.StatusOK || !strings.Contains(html.UnescapeString(page), tc.landing) {
				t.Fatalf("following %s: %d", m[1], status)
			}
		})
	}
}
