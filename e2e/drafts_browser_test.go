package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// A long text typed and left without saving comes back when the person returns to the page,
// with a note to save it; a saved text is not overwritten by an older draft.
func TestALongTextLeftUnsavedComesBack(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	bg := context.Background()
	id := admissibilityFileSent(t, w)
	page := base + "/vae/" + id + "/recevabilite"
	typed := "Je veux faire reconnaître dix ans de courtage."
	steps := append(browserLogin(base, w.Accounts[domain.RoleCandidate]),
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`#f-motivation`)),
		chromedp.SendKeys(chromedp.CSS(`#f-motivation`), typed),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
		chromedp.Navigate(page),
		chromedp.WaitVisible(`//p[@role="status" and contains(., "pas encore enregistré")]`),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	value, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-motivation`)))
	if err != nil || value != typed {
		t.Fatalf("the draft came back as %q (%v)", value, err)
	}
	// Saved from elsewhere since: the server's text wins over the tab's draft.
	if _, err := w.Service.SaveAdmissibility(bg, w.Actor(t, w.Accounts[domain.RoleCandidate]), id,
		service.AdmissibilityInput{Motivation: "Texte enregistré depuis un autre poste."}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#f-motivation`))); err != nil {
		t.Fatal(err)
	}
	value, err = chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-motivation`)))
	if err != nil || !strings.HasPrefix(value, "Texte enregistré depuis un autre poste.") {
		t.Fatalf("an older draft replaced the saved text: %q (%v)", value, err)
	}
}
