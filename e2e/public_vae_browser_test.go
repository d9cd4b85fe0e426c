package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The public VAE form offers the optional blocks of the qualification chosen, not every
// qualification's.
func TestThePublicVAEFormOffersTheChosenQualificationsBlocksOnly(t *testing.T) {
	ctx := newBrowser(t)
	base, _ := startServer(t)
	visible := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('fieldset[data-qualification]')]
			.filter((f) => !f.hidden).map((f) => f.dataset.qualification).join(' ')`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/demande-vae"), chromedp.WaitVisible(chromedp.CSS(`#f-qualification`))); err != nil {
		t.Fatal(err)
	}
	if v := visible(); v != "" {
		t.Fatalf("before a choice, the blocks of %q are offered", v)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#f-qualification`), "IARD"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-qualification').dispatchEvent(new Event('change'))`)); err != nil {
		t.Fatal(err)
	}
	if v := visible(); v != "IARD" {
		t.Fatalf("after choosing IARD, the blocks of %q are offered", v)
	}
	checkAccessibility(t, ctx, "public VAE form with a qualification chosen")
}
