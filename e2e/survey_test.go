package e2e

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cqp/internal/app"
	"cqp/internal/config"
	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// movableClock is a server's clock a test moves forward.
type movableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *movableClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Issue 12: a certified candidate receives the 6-month outcome survey by mail, answers through
// its link without an account, and the answer shows in the bilan and the statistics; the used
// link is refused. All through the pages of a real server, whose clock moves six months on.
func TestOutcomeSurveyOverHTTP(t *testing.T) {
	clock := &movableClock{now: servicetest.Clock}
	cfg := config.Default()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	w := servicetest.New(t, srv.Store)
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})
	base := srv.URL()

	// Candidate A, with an e-mail address, is certified by a session of 20/11/2026 closed on the
	// fixture's day (25/11/2026).
	enrolment := awaitJury(t, w, w.CandidateA, rowsAllA, nil)
	c, err := w.Service.Candidate(ctx, domain.SystemActor("test"), w.CandidateA)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.Write(ctx, func(q store.Q) error {
		c.Email = "eloise.lefevre@exemple.fr"
		return q.UpdateCandidateIdentity(ctx, c)
	}); err != nil {
		t.Fatal(err)
	}
	closeJuryOverHTTP(t, base, w, "2026-11-20", enrolment)

	// Six months later, the hourly loop (or cqp remind) queues the survey.
	clock.Set(servicetest.Clock.AddDate(0, 6, 0))
	if n, err := srv.Service.SendOutcomeSurveys(ctx); err != nil || n.Surveys != 1 {
		t.Fatalf("surveys queued: %+v %v", n, err)
	}
	mails, err := srv.Store.Read().ListMail(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	var link string
	for _, m := range mails {
		if m.To == "eloise.lefevre@exemple.fr" && m.Subject == "Que devenez-vous 6 mois après votre CQP ?" {
			// The mail's address is the configured base URL's; the test server listens on its own port.
			if path := regexp.MustCompile(`/devenir/[A-Za-z0-9_-]+`).FindString(m.Body); path != "" {
				link = base + path
			}
		}
	}
	if link == "" {
		t.Fatalf("no survey mail with a link among %d mails", len(mails))
	}

	// The candidate opens the link without an account and answers.
	visitor := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := visitor.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "Que devenez-vous 6 mois après votre CQP ?") {
		t.Fatalf("the link: %d %s", res.StatusCode, excerpt(string(page)))
	}
	answer := url.Values{"situation": {"employed_branch"}, "contract": {"cdi"}, "job_title": {"Chargée de clientèle"},
		"company_name": {"Cabinet A"}, "siret": {"40483304800022"}, "helped": {"yes"}}
	res, err = visitor.PostForm(link, answer)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "Merci pour votre réponse") {
		t.Fatalf("answer: %d %s", res.StatusCode, excerpt(string(page)))
	}

	// The used link is refused, and a second answer changes nothing.
	answer.Set("job_title", "Autre chose")
	res, err = visitor.PostForm(link, answer)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusGone || !strings.Contains(string(page), "déjà reçu une réponse") {
		t.Fatalf("the used link: %d %s", res.StatusCode, excerpt(string(page)))
	}

	// The answer is on the candidate's page, in the bilan and in the statistics. The staff's
	// pages are read with the clock back on the fixture's day: the session cookies' expiry is
	// set on the real clock, which a clock six months ahead would find past.
	clock.Set(servicetest.Clock)
	sec := login(t, base, w.Accounts[domain.RoleSecretariat])
	if outbox := sec.page("/courriels"); !strings.Contains(outbox, "Que devenez-vous 6 mois après votre CQP ?") || !strings.Contains(outbox, strings.TrimPrefix(link, base)) {
		t.Fatalf("no survey mail in the outbox: %s", excerpt(outbox))
	}
	if body := sec.page("/candidats/" + w.CandidateA); !strings.Contains(body, "Chargée de clientèle") || strings.Contains(body, "Autre chose") {
		t.Fatalf("candidate page: %s", excerpt(body))
	}
	res, err = sec.c.Get(base + "/rapports/bilan.xlsx?annee=2026")
	if err != nil {
		t.Fatal(err)
	}
	xlsx, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("bilan: %d", res.StatusCode)
	}
	book, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("Candidats")
	if err != nil || len(rows) < 2 {
		t.Fatalf("Candidats: %d rows %v", len(rows), err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	cell := func(r []string, h string) string {
		i, ok := col[h]
		if !ok {
			t.Fatalf("no column %q in %q", h, rows[0])
		}
		if i < len(r) {
			return r[i]
		}
		return ""
	}
	found := false
	six := docs.BilanSurveyColumns(6)
	for _, r := range rows[1:] {
		if cell(r, "N° candidat") != c.Number {
			continue
		}
		found = true
		want := map[string]string{six[0]: "En emploi dans la branche", six[1]: "CDI", six[2]: "Chargée de clientèle", six[3]: "Cabinet A",
			six[4]: "Oui", six[5]: "25/05/2027", six[6]: "courriel", docs.BilanSurveyColumns(12)[0]: ""}
		for h, v := range want {
			if got := cell(r, h); got != v {
				t.Errorf("%s: %q, want %q", h, got, v)
			}
		}
	}
	if !found {
		t.Fatalf("no bilan row for %s", c.Number)
	}
	stats := sec.page("/statistiques?annee=2026")
	if !strings.Contains(stats, "Devenir des candidats") ||
		!regexp.MustCompile(`<th scope="row">À 6 mois</th><td class="num">1</td><td class="num">1</td><td class="num">100,0\x{202f}%</td>`).MatchString(stats) ||
		!regexp.MustCompile(`<th scope="row">En emploi dans la branche</th><td class="num">1</td>`).MatchString(stats) {
		t.Fatalf("statistics: %s", excerpt(stats[strings.Index(stats, "Devenir des candidats"):]))
	}
}
