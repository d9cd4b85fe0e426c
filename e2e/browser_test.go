// Package e2e drives the real server in headless Chromium (Debian's package, never a
// downloaded browser). The tests skip when Chromium is absent, unless CQP_E2E or CI is set:
// then its absence is a failure.
package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cqp/internal/app"
	"cqp/internal/config"
	"cqp/internal/service/servicetest"
)

//go:embed testdata/axe.min.js
var axeSource string

func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CQP_E2E") != "" || os.Getenv("CI") != "" {
		t.Fatal("Chromium is not installed, and CQP_E2E or CI requires the browser tests: apt-get install chromium")
	}
	t.Skip("Chromium is not installed: browser tests skipped (set CQP_E2E=1 to require them)")
	return ""
}

// startServer boots the real platform on a free port over a fresh SQLite database holding
// the test world.
func startServer(t *testing.T) (string, *servicetest.World) {
	t.Helper()
	return startServerWith(t, nil)
}

// startServerWith is startServer with settings changed by set (nil: none) before they are
// resolved, as flags would change them.
func startServerWith(t *testing.T, set func(*config.Config)) (string, *servicetest.World) {
	t.Helper()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	if set != nil {
		set(&cfg)
	}
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Open(ctx, cfg, log, func() time.Time { return servicetest.Clock })
	if err != nil {
		t.Fatal(err)
	}
	w := servicetest.New(t, a.Store)
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return a.URL(), w
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium")),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
}

// checkAccessibility runs axe-core on the current page and fails on serious or critical
// violations of WCAG 2.1 A and AA rules.
func checkAccessibility(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	script := axeSource + `;
	new Promise((resolve) => {
	  axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then((r) => {
	    resolve(JSON.stringify({passes: r.passes.length,
	      violations: r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}))}));
	  });
	})`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe: %v", page, err)
	}
	var result struct {
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}
	if err := json.Unmarshal([]byte(raw), &result); err != nil {
		t.Fatalf("%s: axe result: %v", page, err)
	}
	if result.Passes == 0 {
		t.Fatalf("%s: axe checked nothing", page)
	}
	for _, v := range result.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: accessibility violation %s (%s, %d elements): %s", page, v.ID, v.Impact, v.Nodes, v.Help)
		}
	}
}

func TestSecretariatLogsInFindsACandidateByNameWithoutAccentsAndOpensTheFile(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/candidats"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "login page")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-email`), w.Accounts["secretariat"]),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), servicetest.Password+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`#f-q`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Candidats" {
		t.Fatalf("after login, the page asked first is shown: got heading %q", heading)
	}
	checkAccessibility(t, ctx, "candidates list")
	err = chromedp.Do(ctx,
		// The list already shows LEFÈVRE before the search: the click waits for the search's
		// own page (rendered with the term in its search box), never landing on the page being replaced.
		chromedp.SendKeys(chromedp.CSS(`#f-q`), "eloise lefevre\n"),
		chromedp.WaitVisible(`//input[@id="f-q" and @value="eloise lefevre"]`),
		chromedp.WaitVisible(`//a[contains(., "LEFÈVRE")]`),
		chromedp.Click(`//a[contains(., "LEFÈVRE")]`),
		chromedp.WaitVisible(`//h2[contains(., "Identité")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Éloïse", "14/03/1995", "Chargé de clientèle", "Historique des statuts"} {
		if !strings.Contains(body, want) {
			t.Errorf("candidate page lacks %q", want)
		}
	}
	checkAccessibility(t, ctx, "candidate page")
}

func TestARefusedEnrolmentFormShowsEveryErrorAndKeepsWhatWasTyped(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), w.Accounts["training_organisation"]),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), servicetest.Password+"\n"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
		chromedp.Navigate(base+"/candidats/nouveau"),
		chromedp.WaitVisible(chromedp.CSS(`#f-birth_name`)),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_name`), "Œuvray"),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_date`), "31/02/1990"),
		chromedp.Click(`//button[contains(., "Inscrire")]`),
		chromedp.WaitVisible(chromedp.CSS(`#erreurs`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#erreurs`)))
	if err != nil {
		t.Fatal(err)
	}
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-birth_name`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Indiquez au moins un prénom", "Le 31/02/1990 n'existe pas", "Choisissez la voie d'accès"} {
		if !strings.Contains(summary, want) {
			t.Errorf("error summary lacks %q:\n%s", want, summary)
		}
	}
	if kept != "Œuvray" {
		t.Errorf("typed name not kept: %q", kept)
	}
	checkAccessibility(t, ctx, "refused enrolment form")
}
