package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// seedSurveyLink stores, as the hourly loop would have six months after a closed session,
// candidate A's six-month survey and a link to it; it returns the link's path.
func seedSurveyLink(t *testing.T, w *servicetest.World, token string) string {
	t.Helper()
	ctx := context.Background()
	closed := servicetest.Clock.AddDate(0, -6, 0)
	err := w.Service.Store().Write(ctx, func(q store.Q) error {
		c, err := q.Candidate(ctx, w.CandidateA, store.Scope{})
		if err != nil {
			return err
		}
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		e := c.Enrolments[0].ID
		if err := q.CreateJurySession(ctx, store.JurySession{ID: "js-devenir", BranchID: branches[0].ID, StartsAt: closed, Place: "Paris",
			Quorum: 4, Status: store.JuryPlanned, CreatedAt: closed}); err != nil {
			return err
		}
		if err := q.AddJuryCandidate(ctx, "js-devenir", e); err != nil {
			return err
		}
		if err := q.SetJurySessionStatus(ctx, "js-devenir", store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		if err := q.SetJuryOutcome(ctx, "js-devenir", e, "certified"); err != nil {
			return err
		}
		if err := q.CloseJurySession(ctx, "js-devenir", "{}", closed, "test"); err != nil {
			return err
		}
		if _, err := q.CreateOutcomeSurvey(ctx, store.OutcomeSurvey{ID: "sv-devenir", EnrolmentID: e, CandidateID: c.ID, SessionID: "js-devenir",
			Wave: 6, ResultAt: closed, SentAt: servicetest.Clock, Mailed: true, ExpiresAt: servicetest.Clock.AddDate(0, 0, 60)}); err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(token))
		return q.AddOutcomeSurveyLink(ctx, hex.EncodeToString(sum[:]), "sv-devenir", servicetest.Clock)
	})
	if err != nil {
		t.Fatal(err)
	}
	return "/devenir/" + token
}

// The public outcome survey on a phone (390 px): it fits the screen, refused answers show
// their errors accessibly, and the candidate answers with taps and a few words.
func TestTheOutcomeSurveyOnAPhone(t *testing.T) {
	ctx := newBrowser(t)
	base, w := startServer(t)
	link := seedSurveyLink(t, w, "jeton-devenir-telephone")
	fits := func(what string) {
		t.Helper()
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](overflowMeasure))
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ Width, Scroll int }
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			t.Fatal(err)
		}
		if m.Scroll > m.Width+1 {
			t.Errorf("%s is %d px wide in a %d px window", what, m.Scroll, m.Width)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 900), chromedp.Navigate(base+link),
		chromedp.WaitVisible(chromedp.CSS(`#f-situation`))); err != nil {
		t.Fatal(err)
	}
	fits("the survey")
	checkAccessibility(t, ctx, "the outcome survey")

	// Employed, but without a contract, a job title or whether the CQP helped.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=situation][value=employed_branch]`)),
		chromedp.Click(chromedp.CSS(`form.survey button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#erreurs`))); err != nil {
		t.Fatal(err)
	}
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#erreurs`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Choisissez le type de contrat de votre emploi.", "Indiquez l'intitulé de votre poste.", "Indiquez si le CQP vous a aidé"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q: %s", want, summary)
		}
	}
	fits("the refused survey")
	checkAccessibility(t, ctx, "the refused outcome survey")

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=contract][value=cdi]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-job_title`), "Chargée de clientèle"),
		chromedp.Click(chromedp.CSS(`input[name=helped][value=yes]`)),
		chromedp.Click(chromedp.CSS(`form.survey button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.notice`))); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil || h1 != "Merci pour votre réponse" {
		t.Fatalf("after answering: %q %v", h1, err)
	}
	sv, err := w.Service.Store().Read().OutcomeSurvey(context.Background(), "sv-devenir")
	if err != nil || !sv.Answered() || sv.Answer.JobTitle != "Chargée de clientèle" {
		t.Fatalf("stored %+v %v", sv, err)
	}
}
