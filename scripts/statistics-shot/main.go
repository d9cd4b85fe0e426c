// Command statistics-shot photographs the statistics page (/statistiques) of a running demo
// (cqp serve --demo) as the branch (CPNEFP) reads it at a desk's width, for
// docs/images/statistiques.png. It drives Debian's chromium.
//
//	go run ./scripts/statistics-shot -base http://127.0.0.1:8080 -out docs/images/statistiques.png
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "address of a demo server")
	out := flag.String("out", "docs/images/statistiques.png", "the PNG file written")
	email := flag.String("email", "cpnefp@demo.cqp.test", "the demo account photographed")
	password := flag.String("password", "demo-cqp-2026", "the demo accounts' password")
	chromium := flag.String("chromium", "/usr/bin/chromium", "path to Chromium")
	width := flag.Int64("width", 1366, "the window's width in pixels")
	flag.Parse()
	if err := shoot(*base, *email, *password, *chromium, *width, *out); err != nil {
		fmt.Fprintln(os.Stderr, "statistics-shot:", err)
		os.Exit(1)
	}
}

// shoot logs in as email, opens the statistics width pixels wide and writes a full-page PNG.
func shoot(base, email, password, chromium string, width int64, file string) error {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.Flag("no-sandbox", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	ctx, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(width, 900),
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password+"\n"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
		chromedp.Navigate(base+"/statistiques"),
		chromedp.WaitVisible(`//h2[. = "Accord des évaluateurs"]`),
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
