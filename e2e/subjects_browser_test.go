package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
)

// Issue 18: a training organisation proposes a subject through its pages (refused first with
// what is missing, then with a PDF attached and submitted during the call), and a member of the
// subject committee accepts it with changes; the organisation reads the decision and its
// reason. Every page state passes axe-core.
func TestATrainingOrganisationProposesASubjectAndTheCommitteeReviewsItInTheBrowser(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	sw := w.Subjects(t) // the 2026 call is open, the committee sits this morning
	block := sw.Qualif.Blocks[0]
	pdf := filepath.Join(t.TempDir(), "contrat-auto.pdf")
	if err := os.WriteFile(pdf, []byte(servicetest.MinimalPDF), 0o600); err != nil {
		t.Fatal(err)
	}
	const title = "Vol d'un véhicule de flotte"
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	run("the organisation opens its proposals from the menu", append(browserLogin(base, w.Accounts[domain.RoleTrainingOrganisation]),
		chromedp.Click(`//nav//a[contains(., "Sujets d'évaluation")]`),
		chromedp.WaitVisible(`//h1[contains(., "Mes propositions")]`))...)
	checkAccessibility(t, ctx, "proposals")

	run("the form asks for the qualification first",
		chromedp.Click(`//a[contains(., "Proposer un sujet")]`),
		chromedp.WaitVisible(chromedp.CSS(`#f-qualification`)),
		chromedp.SetValue(chromedp.CSS(`#f-qualification`), sw.Qualif.ID),
		chromedp.Click(`//button[contains(., "Afficher les blocs")]`),
		chromedp.WaitVisible(`//input[@name="blocks"][@value="`+block.Code+`"]`))
	checkAccessibility(t, ctx, "proposal form")

	run("an incomplete proposal is refused with what is missing",
		chromedp.SendKeys(chromedp.CSS(`#f-title`), title),
		chromedp.Click(`//button[contains(., "Enregistrer le brouillon")]`),
		chromedp.WaitVisible(chromedp.CSS(`#erreurs`)))
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#erreurs`)))
	if err != nil || !strings.Contains(summary, "Cochez au moins un bloc") || !strings.Contains(summary, "Écrivez le texte remis au candidat") {
		t.Fatalf("error summary %q, %v", summary, err)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-title`))); v != title {
		t.Fatalf("the title typed was lost: %q", v)
	}
	checkAccessibility(t, ctx, "refused proposal form")

	run("the complete proposal is saved as a draft",
		chromedp.Click(`//input[@name="kind"][@value="practical_case"]`),
		chromedp.Click(`//input[@name="blocks"][@value="`+block.Code+`"]`),
		chromedp.Click(`//input[@name="competences"][@value="`+block.Competences[0].Code+`"]`),
		chromedp.SendKeys(chromedp.CSS(`#f-candidate_text`), "Un client signale le vol d'un véhicule de sa flotte la veille au soir."),
		chromedp.SendKeys(chromedp.CSS(`#f-expected_answer`), "Ouvrir la déclaration de sinistre et rappeler le délai de deux jours ouvrés."),
		chromedp.SendKeys(chromedp.CSS(`#f-marking_guide`), "A si la déclaration est ouverte et le délai cité ; NA sinon."),
		chromedp.Click(`//button[contains(., "Enregistrer le brouillon")]`),
		chromedp.WaitVisible(`//h1[contains(., "`+title+`")]`))
	checkAccessibility(t, ctx, "draft page")

	run("a PDF is attached and the draft submitted",
		chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{pdf}),
		chromedp.Click(`//button[contains(., "Joindre")]`),
		chromedp.WaitVisible(`//a[contains(., "contrat-auto.pdf")]`),
		chromedp.Click(`//button[contains(., "Soumettre à la commission")]`),
		chromedp.WaitVisible(`//dd/strong[contains(., "Soumis à la commission")]`))
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(location, base+"/sujets/propositions/")
	checkAccessibility(t, ctx, "submitted proposal")
	run("the organisation logs out", browserLogout()...)

	run("the committee member finds the proposal on the dashboard", append(browserLogin(base, sw.CommitteeKey),
		chromedp.WaitVisible(`//*[contains(., "Propositions de sujets à examiner")]`),
		chromedp.Navigate(base+"/sujets/a-examiner"),
		chromedp.WaitVisible(`//a[contains(., "`+title+`")]`))...)
	checkAccessibility(t, ctx, "proposals to review")

	run("a change without its reason is refused",
		chromedp.Navigate(base+"/sujets/banque/"+id+"/examen"),
		chromedp.WaitVisible(`//input[@name="decision"][@value="accepted_with_changes"]`),
		chromedp.Click(`//input[@name="decision"][@value="accepted_with_changes"]`),
		chromedp.Click(`//summary[contains(., "Modifier le texte")]`),
		chromedp.SendKeys(chromedp.CSS(`#f-candidate_text`), " Le véhicule transportait des marchandises."),
		chromedp.Click(`//button[contains(., "Enregistrer la décision")]`),
		chromedp.WaitVisible(chromedp.CSS(`#erreurs`)))
	checkAccessibility(t, ctx, "refused review")

	run("the committee accepts the proposal with changes",
		chromedp.SendKeys(chromedp.CSS(`#f-reason`), "Cas enrichi : marchandises transportées"),
		chromedp.Click(`//button[contains(., "Enregistrer la décision")]`),
		chromedp.WaitVisible(`//*[contains(., "Décision enregistrée")]`),
		chromedp.Navigate(base+"/sujets/banque/"+id),
		chromedp.WaitVisible(`//summary[contains(., "Version 2 (en vigueur)")]`))
	checkAccessibility(t, ctx, "subject page")
	run("the committee member logs out", browserLogout()...)

	run("the organisation reads the decision and its reason", append(browserLogin(base, w.Accounts[domain.RoleTrainingOrganisation]),
		chromedp.Navigate(location),
		chromedp.WaitVisible(`//li[contains(., "Accepté avec modifications") and contains(., "marchandises transportées")]`))...)
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil || strings.Contains(body, "Le véhicule transportait des marchandises") {
		t.Fatalf("the proposer reads the committee's text: %v", err)
	}
	checkAccessibility(t, ctx, "decided proposal")
}
