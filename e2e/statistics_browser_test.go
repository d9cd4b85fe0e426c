package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

// judgeOnGuideGrids judges candidate A's formation enrolment at a jury of 10/12/2026 on the
// guide's grids: the organisation's, the referent's and the commission's verdicts differ on a
// few blocks, so the statistics have results and an evaluator agreement to show.
func judgeOnGuideGrids(t *testing.T, w *servicetest.World) {
	t.Helper()
	ctx, sys, svc := context.Background(), domain.SystemActor("test"), w.Service
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := svc.Candidate(ctx, sys, w.CandidateA)
	must(err)
	e := c.Enrolments[0]
	for _, b := range e.Blocks {
		_, err := svc.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: "14"})
		must(err)
	}
	w.MeetJuryGates(t, e.ID)
	rows := map[domain.Evaluator]string{
		domain.EvaluatorTrainingOrganisation: "A A A A A NA A A A A A A A A A",
		domain.EvaluatorCompanyReferent:      "A A A A A A NA NA NA NA NA NA NA A A",
		domain.EvaluatorCommission:           "A A A A A A A A A A A A A NA NA",
	}
	for _, ev := range domain.Evaluators {
		in := service.GridInput{Marks: map[string]string{"OPT1-C1": "A", "OPT2-C1": "A"}}
		for i, m := range strings.Fields(rows[ev]) {
			in.Marks[fmt.Sprintf("C%d", i+1)] = m
		}
		if ev == domain.EvaluatorCommission {
			in.ReasonedOpinion = "Relation client maîtrisée."
		}
		_, err := svc.SubmitGrid(ctx, sys, e.ID, ev, in)
		must(err)
	}
	for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		_, err := svc.SetEnrolmentStatus(ctx, sys, w.CandidateA, e.ID, st, "")
		must(err)
	}
	w.Judge(t, "10/12/2026", nil, e.ID)
}

// The secretariat and the branch open the statistics, filter them by the jury's year and read
// every section, the evaluator agreement included, at a desk's width and a phone's: axe-core
// finds no defect and nothing scrolls sideways at 390 px.
func TestStatisticsPageFiltersByYearAndPassesAxeAtBothWidths(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	judgeOnGuideGrids(t, w)
	for _, role := range []domain.Role{domain.RoleSecretariat, domain.RoleBranch} {
		t.Run(string(role), func(t *testing.T) {
			steps := append(browserLogin(base, w.Accounts[role]),
				chromedp.EmulateViewport(1366, 900),
				chromedp.Navigate(base+"/statistiques"),
				chromedp.WaitVisible(`//h1[. = "Statistiques"]`),
				chromedp.SetValue(chromedp.CSS(`#f-annee`), "2026"),
				chromedp.Click(`//button[. = "Filtrer"]`),
				chromedp.WaitVisible(`//a[. = "Effacer les filtres"]`),
			)
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatal(err)
			}
			url, err := chromedp.Run(ctx, chromedp.Location())
			if err != nil || !strings.Contains(url, "annee=2026") {
				t.Errorf("the filter's address is %q (%v)", url, err)
			}
			headings, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll('main h1, main h2, main h3')].map((h) => h.tagName + ' ' + h.textContent.trim())`))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(headings, " | ")
			for _, want := range []string{"H1 Statistiques", "H2 Résultats des jurys", "H3 Par qualification", "H2 Candidats à chaque étape aujourd'hui",
				"H2 Délai de l'inscription au résultat", "H2 Accord des évaluateurs", "H3 Par organisme de formation", "H3 Par entreprise"} {
				if !strings.Contains(got, want) {
					t.Errorf("no heading %q among %s", want, got)
				}
			}
			main, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"1 candidats jugés", "Kappa de Cohen", "Règle de signalement", "Organisme A", "Cabinet A", "71,4\u202f%"} {
				if !strings.Contains(main, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			checkAccessibility(t, ctx, "statistics, 1366 px wide")
			checkNoAxeViolation(t, ctx, "statistics, 1366 px wide")
			checkNarrowScreen(t, ctx, "statistics")
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
				t.Fatal(err)
			}
			checkNoAxeViolation(t, ctx, "statistics, 390 px wide")
			if err := chromedp.Do(ctx, browserLogout()...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// checkNoAxeViolation is stricter than checkAccessibility: axe-core's WCAG 2.1 A and AA rules
// find no violation at all on the page, whatever its impact.
func checkNoAxeViolation(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeSource+`;
	axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then((r) =>
	  JSON.stringify(r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}))))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe: %v", page, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("%s: axe result %s: %v", page, raw, err)
	}
	for _, v := range violations {
		t.Errorf("%s: accessibility violation %s (%s, %d elements): %s", page, v.ID, v.Impact, v.Nodes, v.Help)
	}
}
