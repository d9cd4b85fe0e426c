package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// Issue 15: no page is wider than the screen. Every role of the world (and the anonymous
// visitor) crawls the pages it can reach from the dashboard, starting with the deep pages a
// crawl could miss (VAE files, a jury session in deliberation, an action, a verified
// certificate); each page is laid out 390, 820 and 1366 px wide, and fails when it scrolls
// sideways, naming the elements that stick out. CQP_OVERFLOW_SHOTS=/some/folder saves a
// full-page PNG of each page at each width, to look at them (slow: with it, run one role with
// -run 'Overflow/roles/secretariat').

// overflowWidths are a phone, a tablet held upright and a laptop.
var overflowWidths = []int64{390, 820, 1366}

// overflowPagesPerRole bounds each role's crawl.
const overflowPagesPerRole = 60

// overflowMeasure unfolds the details (what they hold must fit too) and measures the page; when
// it is wider than the window it names the innermost elements whose right edge passes the
// window outside any box that scrolls, widest first.
const overflowMeasure = `(() => {
  document.querySelectorAll('details').forEach((d) => d.open = true);
  const width = window.innerWidth, scroll = document.documentElement.scrollWidth;
  const out = [];
  if (scroll > width + 1) {
    // An element inside a box that clips or scrolls within the window widens nothing.
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 1) return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0 && !clipped(el) &&
          ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1 && !clipped(c))) {
        out.push({right: Math.round(r.right), desc: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
          (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
          ' «' + (el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 50) + '»'});
      }
    }
    out.sort((a, b) => b.right - a.right);
  }
  return JSON.stringify({width, scroll, out: out.slice(0, 6)});
})()`

// overflowLinks lists the page's same-site links.
const overflowLinks = `JSON.stringify([...document.querySelectorAll('a[href]')].map((a) => a.href))`

func TestNoPageOverflowsTheScreenWhateverTheRoleAndWidth(t *testing.T) {
	chromiumPath(t)
	started := time.Now()
	base, w := startServer(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])

	// A closed session whose documents were issued: candidate B certified.
	enrolmentB := awaitJury(t, w, w.CandidateB, rowsAllA, nil)
	closed := w.Judge(t, "10/12/2026", nil, enrolmentB)
	w.ConfirmFrameworks(t)
	if _, err := svc.SaveJurySettings(ctx, sec, service.JurySettingsInput{Quorum: "1", JuryPresidentName: "Bertrand Lécuyer",
		CSCAPresidentName: "Françoise Nguyễn", CPNEPresidentName: "Jean-Noël Œttinger"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.IssueSessionDocuments(ctx, sec, closed); err != nil {
		t.Fatal(err)
	}
	certs, err := svc.Certificates(ctx, sys, store.CertificateFilter{SessionID: closed})
	if err != nil || len(certs.Items) == 0 {
		t.Fatalf("issued documents: %v %v", certs.Items, err)
	}
	cert := certs.Items[0]

	// A session in deliberation: candidate A, BC2 in debate.
	enrolmentA := awaitJury(t, w, w.CandidateA, rowsDebate, nil)
	// The roster Judge filled: the president, the member and four more.
	jurors := []string{w.UserIDs[w.Accounts[domain.RoleJuryPresident]], w.UserIDs[w.Accounts[domain.RoleJuryMember]]}
	for i := range 4 {
		jurors = append(jurors, w.UserIDs[fmt.Sprintf("jure.fixture%d@cqp.test", i)])
	}
	open, err := svc.ScheduleJurySession(ctx, sec, service.JurySessionInput{Date: "17/12/2026", Time: "09:30", Place: "Paris, salle Turgot"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.InviteJuryMembers(ctx, sec, open.ID, jurors); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordJuryAttendance(ctx, sec, open.ID, jurors); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PresentJuryCandidates(ctx, sec, open.ID, []string{enrolmentA}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenJuryDeliberation(ctx, sec, open.ID); err != nil {
		t.Fatal(err)
	}

	// An action of organisation A, with its company and funder.
	funders, err := svc.ActionFunders(ctx, sys)
	if err != nil || len(funders) == 0 {
		t.Fatalf("funders: %v %v", funders, err)
	}
	action, err := svc.DeclareAction(ctx, sys, service.ActionInput{TrainingOrganisationID: w.OrgA, QualificationCode: "CC",
		Route: domain.RouteFormation, Title: "CQP Chargé de clientèle — Paris 2027, session de printemps",
		StartsOn: domain.NewDate(2027, 1, 4), EndsOn: domain.NewDate(2027, 6, 30), Place: "Paris 9e", PlannedHours: 600,
		CompanyIDs: []string{w.CompanyA}, FunderID: funders[0].ID})
	if err != nil {
		t.Fatal(err)
	}

	v := w.VAE(t)
	sw := w.Subjects(t)
	deep := []string{
		"/demande-vae", "/verifier", "/verifier/" + cert.VerificationCode, "/confidentialite",
		"/vae/" + v.SideA, "/vae/" + v.SideA + "/recevabilite", "/vae/" + v.SideA + "/experience", "/vae/" + v.SideA + "/versions/1",
		"/vae/" + v.SideB, "/vae/" + v.SideB + "/avis", "/vae/" + v.SideB + "/recevabilite",
		"/jury/sessions/" + open.ID, "/jury/sessions/" + open.ID + "/candidats/" + enrolmentA, "/jury/sessions/" + closed,
		"/jury/sessions/" + closed + "/candidats/" + enrolmentB, "/delivrance/" + closed, "/certificats/" + cert.ID,
		"/actions/" + action.ID, "/actions/" + action.ID + "/notes", "/actions/" + action.ID + "/inscription",
		"/candidats/" + w.CandidateA, "/inscriptions/" + enrolmentA, "/inscriptions/" + enrolmentA + "/suivi",
		"/inscriptions/" + enrolmentA + "/notes", "/inscriptions/" + enrolmentA + "/livret", "/inscriptions/" + enrolmentA + "/evaluation",
		"/oraux/" + w.OralID, "/commissions/" + w.CommissionID, "/referentiels/" + w.FrameworkCC,
		"/sujets/propositions/" + sw.DraftA, "/sujets/propositions/nouvelle?qualification=" + sw.Qualif.ID,
		"/sujets/banque/" + sw.SubmittedA, "/sujets/banque/" + sw.SubmittedA + "/examen", "/sujets/banque/" + sw.AcceptedCo,
	}
	t.Logf("world ready in %s", time.Since(started).Round(time.Millisecond))

	roles := []string{""} // the anonymous visitor first
	for _, r := range domain.Roles {
		roles = append(roles, string(r))
	}
	// Two browsers at a time, one per core of the CI machine.
	var total atomic.Int64
	sem := make(chan struct{}, 2)
	t.Run("roles", func(t *testing.T) {
		for _, role := range roles {
			name := role
			if name == "" {
				name = "anonymous"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				bctx := newBrowser(t)
				if role != "" {
					if err := chromedp.Do(bctx, browserLogin(base, w.Accounts[domain.Role(role)])...); err != nil {
						t.Fatalf("log in: %v", err)
					}
				}
				n := crawlForOverflow(t, bctx, base, append(slices.Clone(deep), "/"))
				if n < 5 {
					t.Errorf("only %d pages measured: the crawl lost its way", n)
				}
				total.Add(int64(n))
			})
		}
	})
	t.Logf("%d pages measured at %v px in %s", total.Load(), overflowWidths, time.Since(started).Round(time.Millisecond))
}

// crawlForOverflow visits the seeds then the same-site links it finds, breadth first, up to
// overflowPagesPerRole pages, and measures each at every width. It returns the number of pages.
func crawlForOverflow(t *testing.T, ctx context.Context, base string, seeds []string) int {
	t.Helper()
	queue := slices.Clone(seeds)
	seen := map[string]bool{}
	for _, s := range seeds {
		seen[s] = true
	}
	landed := map[string]bool{} // where the visits ended, after redirects
	queries := map[string]int{} // pages reached through a query string, per path
	shots := os.Getenv("CQP_OVERFLOW_SHOTS")
	pages := 0
	for len(queue) > 0 && pages < overflowPagesPerRole {
		page := queue[0]
		queue = queue[1:]
		if err := chromedp.Do(ctx, chromedp.Navigate(base+page)); err != nil {
			t.Errorf("%s: %v", page, err)
			continue
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		if landed[loc] {
			continue // a redirect to a page measured already (the login page, the dashboard)
		}
		landed[loc] = true
		pages++
		for _, width := range overflowWidths {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](overflowMeasure))
			if err != nil {
				t.Fatalf("%s: measure: %v", page, err)
			}
			var m struct {
				Width, Scroll int
				Out           []struct {
					Right int
					Desc  string
				}
			}
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				t.Fatalf("%s: the measure %s: %v", page, raw, err)
			}
			if m.Scroll > m.Width+1 {
				var culprits []string
				for _, o := range m.Out {
					culprits = append(culprits, fmt.Sprintf("%s (right edge %d px)", o.Desc, o.Right))
				}
				t.Errorf("%s is %d px wide in a %d px window: %s", page, m.Scroll, m.Width, strings.Join(culprits, " ; "))
			}
			if shots != "" {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err == nil {
					name := fmt.Sprintf("%s-%d.png", strings.NewReplacer("/", "_", "?", "_").Replace(strings.TrimPrefix(page, "/")), width)
					_ = os.WriteFile(filepath.Join(shots, t.Name()[strings.LastIndex(t.Name(), "/")+1:]+"-"+name), png, 0o644)
				}
			}
		}
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](overflowLinks))
		if err != nil {
			t.Fatalf("%s: links: %v", page, err)
		}
		var links []string
		if err := json.Unmarshal([]byte(raw), &links); err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			next, ok := crawlable(base, l)
			if !ok || seen[next] {
				continue
			}
			if p, _, hasQuery := strings.Cut(next, "?"); hasQuery {
				if queries[p] >= 2 {
					continue
				}
				queries[p]++
			}
			seen[next] = true
			queue = append(queue, next)
		}
	}
	return pages
}

// crawlable turns a link into a same-site page path worth measuring: no download, no static
// file, no API, no fragment.
func crawlable(base, link string) (string, bool) {
	u, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	b, _ := url.Parse(base)
	if u.Host != b.Host || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	p := u.Path
	for _, skip := range []string{"/static/", "/api/", "/deconnexion", "/healthz", "/preuves/", "/pieces/"} {
		if strings.Contains(p, skip) {
			return "", false
		}
	}
	for _, ext := range []string{".pdf", ".zip", ".json", ".csv", ".xlsx", ".xml", "/export", "/pdf"} {
		if strings.HasSuffix(p, ext) {
			return "", false
		}
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, true
}
