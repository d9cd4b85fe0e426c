// Command dashboard-shots photographs each role's dashboard of a running demo (cqp serve
// --demo) at a phone's and a desk's width, for docs/images. It drives Debian's chromium.
//
//	go run ./scripts/dashboard-shots -base http://127.0.0.1:8080 -out docs/images
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
)

// roles are the demo accounts photographed, with the file name each gets.
var roles = []struct{ name, email string }{
	{"secretariat", "secretariat@demo.cqp.test"},
	{"training-organisation", "of.paris@demo.cqp.test"},
	{"company-referent", "referent.paris@demo.cqp.test"},
	{"commission-member", "commission1@demo.cqp.test"},
	{"jury-president", "jury.president@demo.cqp.test"},
	{"candidate-formation", "candidat.eloise.lefevre@demo.cqp.test"},
	{"candidate-vae", "candidat.gaelle.kervella@demo.cqp.test"},
}

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "address of a demo server")
	out := flag.String("out", "docs/images", "directory the PNG files are written to")
	password := flag.String("password", "demo-cqp-2026", "the demo accounts' password")
	chromium := flag.String("chromium", "/usr/bin/chromium", "path to Chromium")
	flag.Parse()
	if err := run(*base, *out, *password, *chromium); err != nil {
		fmt.Fprintln(os.Stderr, "dashboard-shots:", err)
		os.Exit(1)
	}
}

func run(base, out, password, chromium string) error {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.Flag("no-sandbox", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	for _, r := range roles {
		for _, width := range []int64{390, 1366} {
			if err := shoot(actx, base, r.email, password, width, filepath.Join(out, fmt.Sprintf("dashboard-%s-%d.png", r.name, width))); err != nil {
				return fmt.Errorf("%s at %d px: %w", r.email, width, err)
			}
		}
	}
	return nil
}

// shoot logs in as email in a fresh browser tab, lays the dashboard out width pixels wide and
// writes a full-page PNG.
func shoot(actx context.Context, base, email, password string, width int64, file string) error {
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(width, 900),
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password+"\n"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
	)
	if err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}
