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

// TestTrainingOrganisationEnrolsMarksAndSubmitsItsGridThroughThePages drives one candidate of
// the formation route through the training organisation's real pages: the action, the
// enrolment form with the interview, a continuous mark and the organisation's final grid.
func TestTrainingOrganisationEnrolsMarksAndSubmitsItsGridThroughThePages(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	sys := domain.SystemActor("test")
	funders, err := w.Service.ActionFunders(context.Background(), sys)
	if err != nil || len(funders) == 0 {
		t.Fatalf("funders: %v %v", funders, err)
	}
	const title = "CQP Chargé de clientèle — Paris 2027, parcours navigateur"
	_, err = w.Service.DeclareAction(context.Background(), sys, service.ActionInput{TrainingOrganisationID: w.OrgA,
		QualificationCode: "CC", Route: domain.RouteFormation, Title: title,
		StartsOn: domain.NewDate(2026, 9, 1), EndsOn: domain.NewDate(2027, 6, 30), Place: "Paris 9e", PlannedHours: 600,
		CompanyIDs: []string{w.CompanyA}, FunderID: funders[0].ID})
	if err != nil {
		t.Fatal(err)
	}

	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), w.Accounts[domain.RoleTrainingOrganisation]),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), servicetest.Password+"\n"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
		chromedp.Navigate(base+"/actions"),
		chromedp.WaitVisible(`//a[contains(., "parcours navigateur")]`),
		chromedp.Click(`//a[contains(., "parcours navigateur")]`),
		chromedp.WaitVisible(`//h2[@id="candidats"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`))); err != nil || h != title {
		t.Fatalf("action page heading %q, %v", h, err)
	}
	checkAccessibility(t, ctx, "action page")

	err = chromedp.Do(ctx,
		chromedp.Click(`//a[contains(., "Inscrire un candidat")]`),
		chromedp.WaitVisible(chromedp.CSS(`#f-birth_name`)),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_name`), "Desfontaines"),
		chromedp.SendKeys(chromedp.CSS(`#f-first_names`), "Anaëlle, Mélodie"),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_date`), "12/07/1999"),
		chromedp.Click(`//input[@name="sex"][@value="F"]`),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_insee`), "69123"),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_city`), "Lyon"),
		chromedp.SetValue(chromedp.CSS(`#f-interview_on`), "2026-11-02"),
		chromedp.SendKeys(chromedp.CSS(`#f-project`), "Chargée de clientèle en cabinet de courtage"),
		chromedp.SendKeys(chromedp.CSS(`#f-motivation`), "Reconversion après une licence de droit"),
		chromedp.SetValue(chromedp.CSS(`#f-diploma_level`), "6"),
		chromedp.SendKeys(chromedp.CSS(`#f-experience_months`), "4"),
		chromedp.SetValue(chromedp.CSS(`#f-public`), string(domain.PublicRecentGraduate)),
		chromedp.Click(`//input[@name="blocks"][@value="OPT1"]`),
		chromedp.Click(`//input[@name="blocks"][@value="OPT2"]`),
		chromedp.SetValue(chromedp.CSS(`#f-company`), w.CompanyA),
		chromedp.Click(`//button[contains(., "Inscrire le candidat")]`),
		chromedp.WaitVisible(`//h2[contains(., "Historique des statuts")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	enrolmentID := location[strings.LastIndex(location, "/")+1:]
	page, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DESFONTAINES", "Anaëlle", "Chargée de clientèle en cabinet de courtage"} {
		if !strings.Contains(page, want) {
			t.Errorf("enrolment page lacks %q", want)
		}
	}

	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/inscriptions/"+enrolmentID+"/notes"),
		chromedp.WaitVisible(chromedp.CSS(`#f-mark`)),
		chromedp.SetValue(chromedp.CSS(`#f-block`), "BC1"),
		chromedp.SendKeys(chromedp.CSS(`#f-label`), "Étude de cas n° 1"),
		chromedp.SetValue(chromedp.CSS(`#f-on`), "2026-11-20"),
		chromedp.SendKeys(chromedp.CSS(`#f-mark`), "14,5"),
		chromedp.Click(`//button[contains(., "Enregistrer la note")]`),
		chromedp.WaitVisible(`//p[@class="flash"][contains(., "La note de 14,5/20 est enregistrée pour le bloc BC1")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	marks, err := w.Service.ContinuousMarks(context.Background(), sys, enrolmentID)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := marks["BC1"]; !ok || m.String() != "14,5" {
		t.Fatalf("continuous marks after the form: %v", marks)
	}
	listed, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#bloc-BC1`)))
	if err != nil || !strings.Contains(listed, "Étude de cas n° 1") || !strings.Contains(listed, "14,5/20") {
		t.Fatalf("block BC1 on the marks page: %q, %v", listed, err)
	}

	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/inscriptions/"+enrolmentID+"/grilles/organisme"),
		chromedp.WaitVisible(`//button[contains(., "Soumettre la grille")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "grid page")
	radios, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => {
		const rs = document.querySelectorAll('input[type=radio][value="A"]');
		rs.forEach((r) => r.click());
		return rs.length;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.Service.Grid(context.Background(), sys, enrolmentID, domain.EvaluatorTrainingOrganisation)
	if err != nil {
		t.Fatal(err)
	}
	competences := 0
	for _, b := range v.Blocks {
		competences += len(b.Block.Competences)
	}
	if competences == 0 || radios != competences {
		t.Fatalf("the grid page offers %d competences to mark, the candidate's blocks hold %d", radios, competences)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(`//button[contains(., "Soumettre la grille")]`),
		chromedp.WaitVisible(`//p[@class="flash"][contains(., "Grille soumise")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	v, err = w.Service.Grid(context.Background(), sys, enrolmentID, domain.EvaluatorTrainingOrganisation)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Locked() {
		t.Fatal("the grid submitted through the page is not locked")
	}
	for _, b := range v.Blocks {
		if b.VerdictLabel() != "acquis" {
			t.Errorf("block %s: %s after marking every competence A", b.Block.Code, b.VerdictText())
		}
	}
	checkAccessibility(t, ctx, "submitted grid page")
}
