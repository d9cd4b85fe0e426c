package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

// TestTheSecretariatDerogatesToAMissingInternshipThenPresentsTheCandidate: candidate B, a job
// seeker with every mark and the full training path but no internship, is held back on the
// session page; the secretariat's derogation form refuses an empty reason, then records one,
// and B is presented. Every page state passes axe-core.
func TestTheSecretariatDerogatesToAMissingInternshipThenPresentsTheCandidate(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	bg := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service
	c, err := svc.Candidate(bg, sys, w.CandidateB)
	if err != nil {
		t.Fatal(err)
	}
	e := c.Enrolments[0]
	hours := map[string]service.BlockHoursInput{}
	for _, b := range e.Blocks {
		if _, err := svc.AddContinuousAssessment(bg, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: "13"}); err != nil {
			t.Fatal(err)
		}
		hours[b] = service.BlockHoursInput{Planned: "90", Done: "90"}
	}
	if err := svc.SetTrainingHours(bg, sys, e.ID, hours); err != nil {
		t.Fatal(err)
	}
	for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		if _, err := svc.SetEnrolmentStatus(bg, sys, c.ID, e.ID, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	js, err := svc.ScheduleJurySession(bg, sys, service.JurySessionInput{Date: "10/12/2026", Time: "14:00", Place: "Paris, salle Turgot"})
	if err != nil {
		t.Fatal(err)
	}
	session := base + "/jury/sessions/" + js.ID
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), w.Accounts[domain.RoleSecretariat]),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), servicetest.Password+"\n"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
		chromedp.Navigate(session),
		chromedp.WaitVisible(chromedp.CSS(`#conditions`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	held, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#held-`+e.ID+` + ul`)))
	if err != nil || !strings.Contains(held, "Stage : 0 h sur 300 h dues") {
		t.Fatalf("B held back with %q (%v)", held, err)
	}
	checkAccessibility(t, ctx, "session page with a candidate held back")

	err = chromedp.Do(ctx,
		chromedp.Click(`//button[contains(., "Accorder la dérogation (Stage)")]`),
		chromedp.WaitVisible(chromedp.CSS(`#erreurs`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	alert, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#erreurs`)))
	if err != nil || !strings.Contains(alert, "Indiquez le motif de la dérogation") {
		t.Fatalf("the refused derogation says %q (%v)", alert, err)
	}
	checkAccessibility(t, ctx, "session page with a refused derogation")

	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-reason`), "Stage impossible : reconnaissance de handicap, aménagement validé par la branche"),
		chromedp.Click(`//button[contains(., "Accorder la dérogation (Stage)")]`),
		chromedp.WaitVisible(chromedp.CSS(`#present-e-`+e.ID)),
		chromedp.Click(chromedp.CSS(`#present-e-`+e.ID)),
		chromedp.Click(`//button[contains(., "Présenter au jury")]`),
		chromedp.WaitVisible(chromedp.CSS(`#c-`+e.ID)),
	)
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil || !strings.Contains(body, "Présentation au jury par dérogation du secrétariat") ||
		!strings.Contains(body, "Stage : 0 h sur 300 h dues — motif : Stage impossible") {
		t.Fatalf("the session after presenting B: %v %.1500s", err, body)
	}
	checkAccessibility(t, ctx, "session page with a candidate presented by derogation")
}
