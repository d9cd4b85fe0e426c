package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
)

// The secretariat opens the blocs route's final stage in the browser: the link on the
// candidate's page, the form (axe-clean, fitting 390 px), a refusal shown at its field with what
// was typed kept, then the final stage's page.
func TestTheSecretariatOpensTheBlocsFinalStageInTheBrowser(t *testing.T) {
	in := newIntegrity(t)
	company := login(t, in.sec.base, in.w.Accounts[domain.RoleCompany])
	enrolment := in.blocsEnrolment(company, "", url.Values{"birth_name": {"Perrin"}, "first_names": {"Lison"}, "birth_date": {"11/01/1993"},
		"sex": {"F"}, "birth_insee": {"75056"}}, "BC2")
	in.blockStage(enrolment, "BC2")
	session, _ := juryReady(t, in.sec.base, in.w, in.sec)
	in.close(session, enrolment)
	ev, err := in.w.Service.EnrolmentEvaluation(context.Background(), domain.SystemActor("test"), enrolment)
	if err != nil {
		t.Fatal(err)
	}
	person := "/candidats/" + ev.Candidate.ID
	base := in.sec.base

	ctx := newBrowser(t)
	steps := append(browserLogin(base, in.w.Accounts[domain.RoleSecretariat]),
		chromedp.Navigate(base+person),
		chromedp.Click(`//a[contains(., "Ouvrir l'évaluation finale de la voie blocs")]`),
		chromedp.WaitVisible(`//h1[contains(., "Ouvrir l'évaluation finale de la voie blocs")]`),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "the final stage's form")
	checkNarrowScreen(t, ctx, "the final stage's form")

	// One optional block only: refused at the field, the note kept.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=optional_CC][value=OPT1]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-reason`), "Souhaite le CQP complet."),
		chromedp.Click(`//button[contains(., "Ouvrir l'évaluation finale")]`),
		chromedp.WaitVisible(chromedp.CSS(`#erreurs`)),
	); err != nil {
		t.Fatal(err)
	}
	refusal, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#f-optional`)))
	if err != nil || !strings.Contains(refusal, "il faut choisir exactement 2 blocs optionnels") {
		t.Fatalf("the refusal at the optional blocks: %q %v", refusal, err)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-reason').value + '|' + document.querySelector('input[name=optional_CC][value=OPT1]').checked`))
	if err != nil || kept != "Souhaite le CQP complet.|true" {
		t.Fatalf("what was typed is lost: %q %v", kept, err)
	}
	checkAccessibility(t, ctx, "the refused final stage's form")

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=optional_CC][value=OPT2]`)),
		chromedp.Click(`//button[contains(., "Ouvrir l'évaluation finale")]`),
		chromedp.WaitVisible(`//h1[contains(., "Évaluation finale de la voie blocs — Lison PERRIN")]`),
	); err != nil {
		t.Fatal(err)
	}
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`p.flash`)))
	if err != nil || !strings.Contains(flash, "Le dossier d'expérience est ouvert pour les blocs non acquis") {
		t.Fatalf("the confirmation: %q %v", flash, err)
	}
	checkAccessibility(t, ctx, "the final stage's page")
	checkNarrowScreen(t, ctx, "the final stage's page")
}
