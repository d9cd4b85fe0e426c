package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// Issue 11: the blocs route's two screens in a real browser. The company chooses the blocks of
// a new employee's enrolment (refused first without a block), the organisation and the
// referent evaluate the chosen block, and the jury judges that block alone. Every page state
// passes axe-core and fits a 390 px wide screen.

// browserLogin logs the account in through the login page, and waits for its dashboard.
func browserLogin(base, email string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), servicetest.Password+"\n"),
		chromedp.WaitVisible(`//h1[contains(., "Tableau de bord")]`),
	}
}

// browserLogout logs out with the header's button.
func browserLogout() []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Click(`//button[contains(., "Se déconnecter")]`),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
	}
}

// checkNarrowScreen lays the current page out 390 px wide, as on a phone, and fails when the
// page scrolls sideways, naming the elements that stick out, or when axe-core finds a defect
// at that width (a table scrolling in its own box must take the keyboard's focus); the window
// is then restored.
func checkNarrowScreen(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatalf("%s: narrow the window: %v", page, err)
	}
	defer func() {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatalf("%s: widen the window again: %v", page, err)
		}
	}()
	// Folded details are unfolded first: what they hold must fit too.
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		document.querySelectorAll('main details').forEach((d) => d.open = true);
		const width = window.innerWidth, scroll = document.documentElement.scrollWidth;
		const out = [];
		if (scroll > width) {
			// The innermost elements whose right edge passes the window: the culprits.
			for (const el of document.querySelectorAll('main *')) {
				const r = el.getBoundingClientRect();
				if (r.right > width + 1 && r.width > 0 && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1)) {
					out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
						' (right edge ' + Math.round(r.right) + ' px): ' + (el.textContent || el.value || '').trim().slice(0, 60));
				}
				if (out.length >= 8) break;
			}
		}
		return JSON.stringify({width, scroll, out});
	})()`))
	if err != nil {
		t.Fatalf("%s: measure the page: %v", page, err)
	}
	var m struct {
		Width, Scroll int
		Out           []string
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("%s: the measure %s: %v", page, raw, err)
	}
	checkAccessibility(t, ctx, page+", 390 px wide")
	if m.Scroll > m.Width {
		t.Errorf("%s scrolls sideways 390 px wide (%d px of content in %d): %s", page, m.Scroll, m.Width, strings.Join(m.Out, " ; "))
	}
}

// TestBlocsChoiceAndBlockJuryInTheBrowser: the company enrols a new employee on BC2 alone with
// an accredited organisation (a form without a block is refused, with the French error at the
// blocks and what was typed kept); the organisation and the referent evaluate BC2 over HTTP;
// in the browser the secretariat schedules a session, presents the candidate, whose grid shows
// BC2 only, and opens the deliberation; the president closes it. The candidate ends with a
// partial validation, BC2 acquired.
func TestBlocsChoiceAndBlockJuryInTheBrowser(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	bg := context.Background()
	sys := domain.SystemActor("test")
	enrol := "/entreprises/" + w.CompanyA + "/inscription-blocs"

	// 1. The company's blocs enrolment form.
	steps := append(browserLogin(base, w.Accounts[domain.RoleCompany]),
		chromedp.Navigate(base+enrol),
		chromedp.WaitVisible(chromedp.CSS(`#f-birth_name`)),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "blocs enrolment form")
	checkNarrowScreen(t, ctx, "blocs enrolment form")

	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-birth_name`), "Garnier"),
		chromedp.SendKeys(chromedp.CSS(`#f-first_names`), "Inès, Léa"),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_date`), "12/02/2001"),
		chromedp.Click(`//input[@name="sex"][@value="F"]`),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_insee`), "13055"),
		chromedp.SendKeys(chromedp.CSS(`#f-birth_city`), "Marseille"),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), "ines.garnier@exemple.fr"),
		chromedp.SetValue(chromedp.CSS(`#f-qualification`), "CC"),
		chromedp.SetValue(chromedp.CSS(`#f-training_organisation`), w.OrgA),
		chromedp.SetValue(chromedp.CSS(`#f-referent`), w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]),
		chromedp.Click(`//button[contains(., "Inscrire le salarié")]`),
		chromedp.WaitVisible(chromedp.CSS(`#e-blocks`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The error sits inside the blocks' field, and the identity and choices typed are kept.
	blocksErr, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#f-blocks #e-blocks`)))
	if err != nil || !strings.Contains(blocksErr, "choisissez au moins un bloc") {
		t.Fatalf("the refused form says at the blocks %q (%v)", blocksErr, err)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`['birth_name', 'first_names', 'birth_date', 'birth_insee', 'birth_city', 'email',
		'qualification', 'training_organisation', 'referent'].map((n) => document.getElementById('f-' + n).value).join('|') +
		'|' + (document.querySelector('input[name=sex]:checked') || {}).value`))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{"Garnier", "Inès, Léa", "12/02/2001", "13055", "Marseille", "ines.garnier@exemple.fr",
		"CC", w.OrgA, w.UserIDs[w.Accounts[domain.RoleCompanyReferent]], "F"}, "|")
	if kept != want {
		t.Errorf("the refused form kept %q, want %q", kept, want)
	}
	checkAccessibility(t, ctx, "refused blocs enrolment form")
	checkNarrowScreen(t, ctx, "refused blocs enrolment form")

	err = chromedp.Do(ctx,
		chromedp.Click(`//input[@name="blocks_CC"][@value="BC2"]`),
		chromedp.Click(`//button[contains(., "Inscrire le salarié")]`),
		chromedp.WaitVisible(`//h2[contains(., "Blocs choisis")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := location[strings.LastIndex(location, "/")+1:]
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`p.flash`)))
	if err != nil || !strings.Contains(flash, "est inscrit·e aux blocs BC2 de « ") {
		t.Fatalf("the enrolment is confirmed with %q (%v)", flash, err)
	}
	chosen, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.blocs-progress h2')]
		.find((h) => h.textContent === 'Blocs choisis').nextElementSibling.innerText`))
	if err != nil || !strings.HasPrefix(chosen, "BC2 — ") || strings.Count(chosen, "\n") > 0 {
		t.Fatalf("the blocks chosen, as listed: %q (%v)", chosen, err)
	}
	ev, err := w.Service.EnrolmentEvaluation(bg, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	if e := ev.Enrolment; e.Route != domain.RouteBlocs || strings.Join(e.Blocks, " ") != "BC2" || e.TrainingOrganisationID != w.OrgA {
		t.Fatalf("the enrolment recorded: %+v", e)
	}
	if err := chromedp.Do(ctx, browserLogout()...); err != nil {
		t.Fatal(err)
	}

	// 2. To the jury, over HTTP where a browser adds nothing: the training, the continuous mark,
	// the organisation's grid with its tests of BC2, the referent's with the line manager.
	of := login(t, base, w.Accounts[domain.RoleTrainingOrganisation])
	referent := login(t, base, w.Accounts[domain.RoleCompanyReferent])
	e := "/inscriptions/" + id
	of.submit(e+"/statut", url.Values{"status": {"in_training"}})
	of.submit(e+"/heures", url.Values{"planned-BC2": {"90"}, "done-BC2": {"90"}})
	of.submit(e+"/notes", url.Values{"block": {"BC2"}, "label": {"Étude de cas"}, "on": {"20/11/2026"}, "mark": {"14"}})
	of.submit(e+"/statut", url.Values{"status": {"final_evaluation"}})
	grid := url.Values{"action": {"submit"}, "mark_C6": {"A"}, "mark_C7": {"A"}, "comment": {"Évaluation conduite selon le référentiel."}}
	ofGrid := url.Values{}
	for k, v := range grid {
		ofGrid[k] = v
	}
	for kind, result := range map[store.BlockTestKind]string{store.BlockTestWritten: "14,5", store.BlockTestOralCase: "A"} {
		ofGrid.Set(service.BlockTestField("BC2", kind, "on"), "12/11/2026")
		ofGrid.Set(service.BlockTestField("BC2", kind, "result"), result)
		ofGrid.Set(service.BlockTestField("BC2", kind, "assessor"), "Marc Dupont")
	}
	of.submit(e+"/grilles/organisme", ofGrid)
	grid.Set("line_manager", "Claire Fontaine, responsable d'agence")
	referent.submit(e+"/grilles/referent", grid)
	of.submit(e+"/statut", url.Values{"status": {"awaiting_jury"}})
	w.Jurors(t)

	// The secretariat schedules the session, invites the roster, records everyone present and
	// presents the candidate, through the pages.
	steps = append(browserLogin(base, w.Accounts[domain.RoleSecretariat]),
		chromedp.Navigate(base+"/jury/sessions"),
		chromedp.WaitVisible(chromedp.CSS(`#f-date`)),
		chromedp.SetValue(chromedp.CSS(`#f-date`), "2026-12-18"),
		chromedp.SetValue(chromedp.CSS(`#f-time`), "14:00"),
		chromedp.SendKeys(chromedp.CSS(`#f-place`), "Paris, salle Turgot"),
		chromedp.Click(`//button[contains(., "Programmer la session")]`),
		chromedp.WaitVisible(`//h1[contains(., "Session de jury du 18/12/2026")]`),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name=members]').forEach((c) => c.checked = true)`),
		chromedp.Click(`//button[contains(., "Inviter")]`),
		chromedp.WaitVisible(`//button[contains(., "Enregistrer les présences")]`),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name=present]').forEach((c) => c.checked = true)`),
		// The candidate's box is on the page before and after the presences: wait for the new
		// page, where the quorum warning is gone.
		chromedp.Click(`//button[contains(., "Enregistrer les présences")]`),
		chromedp.WaitNotPresent(`//p[@class="warning" and contains(., "Quorum non atteint")]`),
		chromedp.WaitVisible(chromedp.CSS(`#present-e-`+id)),
		chromedp.Click(chromedp.CSS(`#present-e-`+id)),
		chromedp.Click(`//button[contains(., "Présenter au jury")]`),
		chromedp.WaitVisible(chromedp.CSS(`#c-`+id)),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	location, err = chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	session := location[strings.Index(location, "/jury/sessions/"):]
	if i := strings.IndexAny(session, "?#"); i >= 0 {
		session = session[:i]
	}
	// onlyBC2 checks that a page names no block but BC2, and when it holds the candidate's grid
	// (the candidate's page; the session page lists candidates only), that the grid has BC2 alone.
	onlyBC2 := func(page string, grid bool) {
		t.Helper()
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('tr[id^="grille-`+id+`-"]')]
			.map((r) => r.id.slice(r.id.lastIndexOf('-') + 1)).join(' ')`))
		if want := map[bool]string{true: "BC2", false: ""}[grid]; err != nil || rows != want {
			t.Errorf("%s: the candidate's grid shows the blocks %q (%v), want %q", page, rows, err, want)
		}
		main, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(main, "incomplet") || strings.Contains(main, "grille non soumise") {
			t.Errorf("%s: a block is said incomplete: %.2000s", page, main)
		}
		for _, b := range []string{"BC1", "BC3", "BC4", "BC5", "OPT1", "OPT2"} {
			if strings.Contains(main, b+" —") || strings.Contains(main, "grille-"+id+"-"+b) {
				t.Errorf("%s names the block %s, not chosen", page, b)
			}
		}
	}
	onlyBC2("session page", false)
	checkAccessibility(t, ctx, "session page with the block candidate")
	checkNarrowScreen(t, ctx, "session page with the block candidate")

	err = chromedp.Do(ctx,
		chromedp.Click(`//a[@href="`+session+`/candidats/`+id+`"]`),
		chromedp.WaitVisible(`//h2[contains(., "Grilles d'évaluation finale")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	onlyBC2("session candidate page", true)
	tests, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#grille-`+id+`-BC2`)))
	if err != nil || !strings.Contains(tests, "Épreuve écrite le 12/11/2026 : 14,5/20 (Marc Dupont)") {
		t.Errorf("BC2's row on the candidate page: %q (%v)", tests, err)
	}
	checkAccessibility(t, ctx, "session candidate page")
	checkNarrowScreen(t, ctx, "session candidate page")

	err = chromedp.Do(ctx,
		chromedp.Navigate(base+session),
		chromedp.WaitVisible(`//button[contains(., "Ouvrir la délibération")]`),
		chromedp.Click(`//button[contains(., "Ouvrir la délibération")]`),
		chromedp.WaitVisible(`//p[contains(., "Tous les débats sont tranchés")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "session page in deliberation")
	if err := chromedp.Do(ctx, browserLogout()...); err != nil {
		t.Fatal(err)
	}

	// The president closes the session.
	steps = append(browserLogin(base, w.Accounts[domain.RoleJuryPresident]),
		chromedp.Navigate(base+session),
		chromedp.WaitVisible(`//button[contains(., "Clore la session et signer")]`),
		chromedp.Click(chromedp.CSS(`#f-confirm`)),
		chromedp.Click(`//button[contains(., "Clore la session et signer")]`),
		chromedp.WaitVisible(`//a[contains(., "Télécharger le procès-verbal")]`),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	onlyBC2("closed session page", false)
	result, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#c-`+id+` td:nth-of-type(2)`)))
	if err != nil || !strings.Contains(result, "Blocs acquis : 1 bloc présenté acquis (BC2)") {
		t.Errorf("the closed session says of the candidate %q (%v)", result, err)
	}
	checkAccessibility(t, ctx, "closed session page")
	checkNarrowScreen(t, ctx, "closed session page")

	// The company reads the result on its employee's enrolment.
	steps = append(browserLogout(), browserLogin(base, w.Accounts[domain.RoleCompany])...)
	steps = append(steps,
		chromedp.Navigate(base+e),
		chromedp.WaitVisible(`//h2[contains(., "Blocs déjà acquis")]`),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(`//dt[.="Statut"]/following-sibling::dd[1]`))
	if err != nil || status != "Validation partielle" {
		t.Errorf("the enrolment's status after the jury: %q (%v)", status, err)
	}
	held, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('.blocs-progress h2')]
		.find((h) => h.textContent === 'Blocs déjà acquis').nextElementSibling.querySelector('tbody').innerText`))
	if err != nil || !strings.HasPrefix(held, "BC2") || !strings.Contains(held, "18/12/2026") || strings.Contains(held, "\n") {
		t.Errorf("the blocks held after the jury: %q (%v)", held, err)
	}

	ev, err = w.Service.EnrolmentEvaluation(bg, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Enrolment.Status != domain.StatusPartial {
		t.Fatalf("after the jury: %s", ev.Enrolment.Status)
	}
	view, err := w.Service.JurySession(bg, sys, strings.TrimPrefix(session, "/jury/sessions/"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := view.Snapshot.Candidate(id)
	if strings.Join(c.NewlyAcquired, " ") != "BC2" {
		t.Fatalf("the jury awarded %v, want BC2", c.NewlyAcquired)
	}
}
