package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

// admissibilityFileSent asks a VAE for candidate A and sends them the admissibility file; it
// returns the enrolment's id.
func admissibilityFileSent(t *testing.T, w *servicetest.World) string {
	t.Helper()
	bg := context.Background()
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	req, err := w.Service.RequestVAE(bg, sec, service.VAERequestInput{CandidateID: w.CandidateA, QualificationCode: "CC",
		Public: domain.PublicEmployee, CompanyID: w.CompanyA, Blocks: []string{"OPT1", "OPT2"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Service.SendAdmissibilityFile(bg, sec, req.Enrolment.ID); err != nil {
		t.Fatal(err)
	}
	return req.Enrolment.ID
}

// TestVAECandidateFillsTheAdmissibilityFileAndUploadsEvidenceInTheBrowser drives a VAE
// candidate through the real pages in Chromium: the admissibility form counts the related
// experience as the dates are typed (under 12 months, then under the 24 recommended), the file
// is sent; once admissible, the experience file takes a narrative and two evidence files
// through the file input, and an executable named .pdf is refused with the reason. Each page
// is checked with axe-core.
func TestVAECandidateFillsTheAdmissibilityFileAndUploadsEvidenceInTheBrowser(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	bg := context.Background()
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	id := admissibilityFileSent(t, w)
	checkText := func(want string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(`//div[@id="vae-check"]//p[contains(., "` + want + `")]`)
	}

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), w.Accounts[domain.RoleCandidate]),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), servicetest.Password+"\n"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
		chromedp.Navigate(base+"/vae/"+id+"/recevabilite"),
		chromedp.WaitVisible(chromedp.CSS(`#vae-check`)),
		chromedp.SendKeys(chromedp.CSS(`#f-nir`), nirOf(t, w.Service, id)),
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.PeriodField(0, "employer")), "Courtage Lumière"),
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.PeriodField(0, "role")), "Chargée de clientèle"),
		chromedp.Click(chromedp.CSS(`#f-`+service.PeriodField(0, "related"))),
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.PeriodField(0, "from")), "01/06/2026"),
		// Five months so far: the live check says the minimum is not reached, before any save.
		checkText("vos périodes en donnent 5."),
		// The job before it, back to back: thirteen more months, counted with the first.
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.PeriodField(1, "employer")), "Cabinet Durand"),
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.PeriodField(1, "role")), "Assistante de gestion"),
		chromedp.Click(chromedp.CSS(`#f-`+service.PeriodField(1, "related"))),
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.PeriodField(1, "from")), "25/05/2025"),
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.PeriodField(1, "until")), "31/05/2026"),
		checkText("18 mois d'expérience en lien avec la qualification : assez pour la demande"),
		checkText("sous les 24 mois recommandés"),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "admissibility file")

	// The whole file is filled through the page's own fields, then sent.
	v, err := w.Service.VAE(bg, sec, id)
	if err != nil {
		t.Fatal(err)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS(`#f-address`), "3 rue des Lilas, 75011 Paris"),
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.PeriodField(0, "activities")), "Conseil et suivi du portefeuille"),
	}
	for _, b := range v.Blocks {
		for _, c := range b.Competences {
			steps = append(steps,
				chromedp.Click(`//input[@name="`+service.SelfLevelField(c.Code)+`"][@value="acquired"]`),
				chromedp.SendKeys(chromedp.CSS(`#f-`+service.SituationField(c.Code)), "Au quotidien"))
		}
	}
	steps = append(steps,
		chromedp.Click(chromedp.CSS(`#f-certified`)),
		chromedp.Click(chromedp.CSS(`#f-submit`)),
		chromedp.WaitVisible(`//p[@class="flash"]`),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	if v, _ = w.Service.VAE(bg, sec, id); v.File.Status != domain.VAESubmitted || v.File.Version != 1 || v.Check.RelatedMonths != 18 {
		t.Fatalf("after sending: %+v, %d months", v.File, v.Check.RelatedMonths)
	}

	// Reviewed and admissible, through the service.
	if err := w.Service.RequestVAEReview(bg, sec, id, w.OrgA); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.GiveVAEReview(bg, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), id,
		service.ReviewInput{Opinion: domain.OpinionFavourable, Comment: "Expérience en lien."}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Service.DecideVAE(bg, sec, id, service.DecisionInput{Decision: domain.DecisionAdmissible,
		Reason: "Dix-huit mois en lien, avis favorable.", ValidUntil: "25/11/2027"}); err != nil {
		t.Fatal(err)
	}

	// The experience file: a narrative, a PDF and a photo through the file input; an executable is refused.
	dir := t.TempDir()
	files := map[string][]byte{"attestation.pdf": servicetest.TinyPDF, "photo-bureau.png": servicetest.TinyPNG(t),
		"contrat.pdf": append([]byte("MZ\x90\x00"), make([]byte, 256)...)}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	upload := func(name string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.WaitVisible(chromedp.CSS(`#f-file`)),
			chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{filepath.Join(dir, name)}),
			chromedp.Click(`//button[contains(., "Ajouter la pièce")]`),
		}
	}
	steps = []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/vae/" + id + "/experience"),
		chromedp.WaitVisible(chromedp.CSS(`#f-` + service.NarrativeField("BC1"))),
		chromedp.SendKeys(chromedp.CSS(`#f-`+service.NarrativeField("BC1")), "J'accueille les clients du cabinet et j'analyse leurs besoins d'assurance."),
		chromedp.Click(`//button[@form="experience-text"][contains(., "Enregistrer")]`),
		chromedp.WaitVisible(`//p[@class="flash"]`),
	}
	steps = append(steps, upload("attestation.pdf")...)
	steps = append(steps, chromedp.WaitVisible(`//tr/*[contains(., "attestation.pdf")]`))
	steps = append(steps, upload("photo-bureau.png")...)
	steps = append(steps, chromedp.WaitVisible(`//tr/*[contains(., "photo-bureau.png")]`))
	steps = append(steps, upload("contrat.pdf")...)
	steps = append(steps, chromedp.WaitVisible(`//*[contains(@class, "field-error") or @role="alert"][contains(., "exécutable")]`))
	for i, st := range steps {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := chromedp.Do(sctx, st)
		cancel()
		if err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
			t.Fatalf("experience step %d: %v\n%s", i, err, body)
		}
	}
	checkAccessibility(t, ctx, "experience file with a refused upload")
	v, err = w.Service.VAE(bg, sec, id)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range v.Evidence {
		names = append(names, e.Filename+" "+e.ContentType)
	}
	if len(v.Evidence) != 2 || !strings.Contains(strings.Join(names, ","), "photo-bureau.png image/png") ||
		!strings.HasPrefix(v.Experience["BC1"].Narrative, "J'accueille les clients") {
		t.Fatalf("after the uploads: %v, narrative %q", names, v.Experience["BC1"].Narrative)
	}
}

// TestVAEOrganisationReviewsBesideTheFileAndTheSecretariatDecidesInTheBrowser: organisation B
// gives its reasoned opinion on the page that shows the file beside the form (refused first
// without a comment), then the secretariat reads the file's overview and decides. Each page is
// checked with axe-core.
func TestVAEOrganisationReviewsBesideTheFileAndTheSecretariatDecidesInTheBrowser(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	v := w.VAE(t)
	loginAs := func(email string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(base + "/connexion"),
			chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
			chromedp.SendKeys(chromedp.CSS(`#f-email`), email),
			chromedp.SendKeys(chromedp.CSS(`#f-password`), servicetest.Password+"\n"),
			chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
		}
	}
	err := chromedp.Do(ctx, loginAs(w.OrgBAccount)...)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/vae/"+v.SideB+"/avis"),
		chromedp.WaitVisible(`//button[contains(., "Rendre l'avis")]`),
		chromedp.Click(`//input[@name="opinion"][@value="incomplete"]`),
		chromedp.Click(`//button[contains(., "Rendre l'avis")]`),
		chromedp.WaitVisible(`//*[@role="alert"][contains(., "Argumentez votre avis")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "review beside the file, refused")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-comment`), "Les activités de la seconde période manquent."),
		chromedp.Click(`//button[contains(., "Rendre l'avis")]`),
		chromedp.WaitVisible(`//p[@class="flash"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(`//button[contains(., "Se déconnecter")]`),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, loginAs(w.Accounts[domain.RoleSecretariat])...); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/vae/"+v.SideB),
		chromedp.WaitVisible(`//button[contains(., "Enregistrer la décision")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "VAE file overview")
	err = chromedp.Do(ctx,
		chromedp.Click(`//input[@name="decision"][@value="incomplete"]`),
		chromedp.SendKeys(chromedp.CSS(`#f-reason`), "Décrivez les activités de votre seconde période."),
		chromedp.Click(`//button[contains(., "Enregistrer la décision")]`),
		chromedp.WaitVisible(`//p[@class="flash"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	f, err := w.Service.VAE(context.Background(), w.Actor(t, w.Accounts[domain.RoleSecretariat]), v.SideB)
	if err != nil || f.File.Status != domain.VAEIncomplete || f.Reviews[0].Opinion != domain.OpinionIncomplete {
		t.Fatalf("after the browser's opinion and decision: %+v %v", f.File, err)
	}
	checkAccessibility(t, ctx, "VAE file overview after the decision")
}

// TestVAEPagesPassAxe opens every VAE page once, as the person who uses it, and checks it with
// axe-core: the public request form, the secretariat's list, request form and file overview, a
// submitted version, the admissibility and experience files as read by the secretariat.
func TestVAEPagesPassAxe(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	v := w.VAE(t)
	pages := []struct{ path, heading string }{
		{"/demande-vae", "Demander une VAE"},
	}
	for _, p := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(`//h1[contains(., "`+p.heading+`")]`)); err != nil {
			t.Fatalf("%s: %v", p.path, err)
		}
		checkAccessibility(t, ctx, p.path)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), w.Accounts[domain.RoleSecretariat]),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), servicetest.Password+"\n"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "secretariat dashboard with the VAE cards")
	for _, path := range []string{"/vae", "/vae/demande", "/vae/" + v.SideA, "/vae/" + v.SideA + "/versions/1",
		"/vae/" + v.SideA + "/recevabilite", "/vae/" + v.SideA + "/experience"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(`//h1`)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		checkAccessibility(t, ctx, path)
	}
}
