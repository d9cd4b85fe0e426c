package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// Each role logs in, reads its tasks first on the dashboard, and reaches the first one in one
// click; a candidate finds their route and what they must do.
func TestEachRoleReachesItsNextTaskFromTheDashboard(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	bg, sys := context.Background(), domain.SystemActor("test")
	// Candidate A is in training: the hours of their first block are done without a mark, and
	// nothing is written in their logbook: their organisation and their referent have work.
	c, err := w.Service.Candidate(bg, sys, w.CandidateA)
	if err != nil {
		t.Fatal(err)
	}
	e := c.Enrolments[0]
	if _, err := w.Service.SetEnrolmentStatus(bg, sys, e.CandidateID, e.ID, domain.StatusInTraining, ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.SetTrainingHours(bg, sys, e.ID, map[string]service.BlockHoursInput{e.Blocks[0]: {Planned: "35", Done: "35"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		role    domain.Role
		task    string // the first task's label
		landing string // what the heading of the page the task leads to names
	}{
		{domain.RoleTrainingOrganisation, "Notes de contrôle continu manquantes", "LEFÈVRE Éloïse"},
		{domain.RoleCompanyReferent, "Livrets d'accompagnement à compléter", "LEFÈVRE Éloïse"},
		{domain.RoleCommissionMember, "Oraux de certification à venir", "Oral"},
		{domain.RoleSecretariat, "Commissions d'évaluation à compléter", "Commission A"},
		{domain.RoleCandidate, "Indiquez votre numéro de sécurité sociale", "NIR"},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			steps := browserLogin(base, w.Accounts[tc.role])
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatal(err)
			}
			first := `ul.tasks > li:first-child > a`
			if tc.role == domain.RoleCandidate {
				first = `.own-route h3 + ul > li:first-child > a`
			}
			label, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(first)))
			if err != nil || !strings.Contains(label, tc.task) {
				t.Fatalf("the first task says %q (%v), want %q", label, err, tc.task)
			}
			err = chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(first)),
				chromedp.WaitVisible(`//h1[not(contains(., "Tableau de bord"))]`),
			)
			if err != nil {
				t.Fatalf("following %q: %v", label, err)
			}
			h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
			if err != nil || !strings.Contains(h1, tc.landing) {
				t.Errorf("following %q leads to « %s » (%v), want a page about %q", label, h1, err, tc.landing)
			}
			if err := chromedp.Do(ctx, browserLogout()...); err != nil {
				t.Fatal(err)
			}
		})
	}
}
