package web_test

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
	"cqp/internal/web"
)

// site is a running web server over a fixture world.
type site struct {
	*httptest.Server
	world  *servicetest.World
	store  *store.Store
	routes []web.Route
}

func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteOn(t, storetest.Targets(t)[0])
}

// newSiteOn is newSite on a chosen database.
func newSiteOn(t *testing.T, target storetest.Target) *site {
	t.Helper()
	return newSiteWith(t, target, web.Options{InsecureCookies: true})
}

// newSiteWith is newSite on a chosen database with chosen options.
func newSiteWith(t *testing.T, target storetest.Target, opts web.Options) *site {
	t.Helper()
	st := storetest.Open(t, target)
	w := servicetest.New(t, st)
	srv, err := web.New(w.Service, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &site{Server: ts, world: w, store: st, routes: srv.Routes()}
}

// client returns an HTTP client that does not follow redirects, logged in as email ("" for
// an anonymous visitor).
func (s *site) client(t *testing.T, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if email == "" {
		return c
	}
	res, err := c.PostForm(s.URL+"/connexion", url.Values{"email": {email}, "password": {servicetest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d", email, res.StatusCode)
	}
	return c
}

func (s *site) do(t *testing.T, c *http.Client, method, path string) (int, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, html.UnescapeString(string(b))
}

// routeSamples are the concrete paths of routes with parameters, built on a fixture world.
// Each feature adds its own source (usually from an init func in its test file), which may
// create the records it needs through w.Service. A route with a parameter and no sample fails
// the walk, so that no route escapes it.
type routeSamples struct {
	Paths      map[string]string // route path pattern → a path to a record of side A
	CrossScope map[string]string // route path pattern → the same kind of record on side B
	// RolePaths gives a role its own record of side A where a record belongs to one kind of
	// organisation (a subject proposed by a training organisation or by a company).
	RolePaths map[string]map[domain.Role]string
}

var sampleSources = []func(t testing.TB, w *servicetest.World) routeSamples{coreSamples}

func coreSamples(t testing.TB, w *servicetest.World) routeSamples {
	user := w.UserIDs[w.Accounts[domain.RoleCompany]]
	return routeSamples{
		Paths: map[string]string{
			"/candidats/{id}":                         "/candidats/" + w.CandidateA,
			"/candidats/{id}/evaluation-finale-blocs": "/candidats/" + w.CandidateA + "/evaluation-finale-blocs",
			"/candidats/{id}/effacement":              "/candidats/" + w.CandidateA + "/effacement",
			"/candidats/{id}/nir":                     "/candidats/" + w.CandidateA + "/nir",
			"/candidats/{id}/identite":                "/candidats/" + w.CandidateA + "/identite",
			"/organismes/{id}":                        "/organismes/" + w.OrgA,
			"/organismes/{id}/habilitations":          "/organismes/" + w.OrgA + "/habilitations",
			"/entreprises/{id}":                       "/entreprises/" + w.CompanyA,
			"/entreprises/{id}/inscription-blocs":     "/entreprises/" + w.CompanyA + "/inscription-blocs",
			"/referentiels/{id}":                      "/referentiels/" + w.FrameworkCC,
			"/comptes/{id}":                           "/comptes/" + user,
			"/comptes/{id}/roles":                     "/comptes/" + user + "/roles",
			"/comptes/{id}/desactivation":             "/comptes/" + user + "/desactivation",
			"/comptes/{id}/activation":                "/comptes/" + user + "/activation",
			"/compte/jetons/{id}/revocation":          "/compte/jetons/none/revocation",
			"/compte/webhooks/{id}/desactivation":     "/compte/webhooks/none/desactivation",
			"/compte/webhooks/{id}/suppression":       "/compte/webhooks/none/suppression",
			"/referentiels/{code}/versions":           "/referentiels/CC/versions",
			"/referentiels/{code}/export":             "/referentiels/CC/export",
		},
		CrossScope: map[string]string{
			"/candidats/{id}/nir":                 "/candidats/" + w.CandidateB + "/nir",
			"/candidats/{id}/identite":            "/candidats/" + w.CandidateB + "/identite",
			"/candidats/{id}":                     "/candidats/" + w.CandidateB,
			"/organismes/{id}":                    "/organismes/" + w.OrgB,
			"/entreprises/{id}":                   "/entreprises/" + w.CompanyB,
			"/entreprises/{id}/inscription-blocs": "/entreprises/" + w.CompanyB + "/inscription-blocs",
		},
	}
}

// samples merges every source's samples for one world.
func samples(t testing.TB, w *servicetest.World) routeSamples {
	all := routeSamples{Paths: map[string]string{}, CrossScope: map[string]string{}, RolePaths: map[string]map[domain.Role]string{}}
	for _, src := range sampleSources {
		s := src(t, w)
		for k, v := range s.Paths {
			all.Paths[k] = v
		}
		for k, v := range s.CrossScope {
			all.CrossScope[k] = v
		}
		for k, v := range s.RolePaths {
			all.RolePaths[k] = v
		}
	}
	return all
}

// rolePath gives the role its own sample path for a route pattern, else path.
func (rs routeSamples) rolePath(pattern string, role domain.Role, path string) string {
	_, p, _ := strings.Cut(pattern, " ")
	if own, ok := rs.RolePaths[p][role]; ok {
		return own
	}
	return path
}

// samplePath gives a concrete path for a route pattern.
func (rs routeSamples) samplePath(pattern string) (string, bool) {
	_, path, _ := strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	if !strings.Contains(path, "{") {
		return path, true
	}
	p, ok := rs.Paths[path]
	return p, ok
}

// crossScopePath gives the same kind of record on side B, for routes whose records are scoped.
func (rs routeSamples) crossScopePath(pattern string) (string, bool) {
	_, path, _ := strings.Cut(pattern, " ")
	p, ok := rs.CrossScope[path]
	return p, ok
}

func TestEveryRouteGivesEachRoleExactlyWhatThePermissionTableAllows(t *testing.T) {
	s := newSite(t)
	clients := map[domain.Role]*http.Client{}
	for _, role := range domain.Roles {
		clients[role] = s.client(t, s.world.Accounts[role])
	}
	anonymous := s.client(t, "")
	rs := samples(t, s.world)
	for _, r := range s.routes {
		method, _, _ := strings.Cut(r.Pattern, " ")
		if r.Pattern == "/" || strings.HasPrefix(r.Pattern, "GET /static/") || method == "" {
			continue
		}
		if method == http.MethodPost && (strings.Contains(r.Pattern, "deconnexion")) {
			continue
		}
		path, ok := rs.samplePath(r.Pattern)
		if !ok {
			t.Errorf("route %q has no sample path in samplePath: add one so the walk covers it", r.Pattern)
			continue
		}
		t.Run(r.Pattern, func(t *testing.T) {
			if r.Action == "" {
				status, _ := s.do(t, anonymous, method, path)
				if status == http.StatusForbidden || status >= 500 {
					t.Errorf("public route answered %d to an anonymous visitor", status)
				}
				return
			}
			status, _ := s.do(t, anonymous, method, path)
			want := http.StatusUnauthorized
			if method == http.MethodGet {
				want = http.StatusSeeOther
			}
			if status != want {
				t.Errorf("anonymous: got %d, want %d", status, want)
			}
			for _, role := range domain.Roles {
				status, body := s.do(t, clients[role], method, rs.rolePath(r.Pattern, role, path))
				if service.RoleCan(role, r.Action) {
					if status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound || status >= 500 {
						t.Errorf("%s may %s but got %d: %.200s", role, r.Action, status, body)
					}
				} else if status != http.StatusForbidden {
					t.Errorf("%s may not %s but got %d", role, r.Action, status)
				}
			}
			if other, ok := rs.crossScopePath(r.Pattern); ok && method == http.MethodGet {
				for _, role := range domain.Roles {
					if service.Permissions[r.Action][role] != service.AccessScoped {
						continue
					}
					status, _ := s.do(t, clients[role], method, other)
					if status != http.StatusNotFound {
						t.Errorf("%s scoped to side A read a side B record at %s: got %d, want 404", role, other, status)
					}
				}
			}
		})
	}
}

func TestATrainingOrganisationCannotReadAnotherOrganisationsCandidate(t *testing.T) {
	s := newSite(t)
	ofB := s.client(t, s.world.OrgBAccount)
	if status, _ := s.do(t, ofB, http.MethodGet, "/candidats/"+s.world.CandidateA); status != http.StatusNotFound {
		t.Fatalf("got %d, want 404", status)
	}
	status, body := s.do(t, ofB, http.MethodGet, "/candidats")
	if status != http.StatusOK || strings.Contains(body, "LEFÈVRE") || !strings.Contains(body, "MARTIN") {
		t.Fatalf("organisation B's list shows another organisation's candidate or misses its own (status %d)", status)
	}
}

func TestLoginFormRefusesWrongPasswordInFrenchAndKeepsTheEmail(t *testing.T) {
	s := newSite(t)
	c := s.client(t, "")
	res, err := c.PostForm(s.URL+"/connexion", url.Values{"email": {"secretariat@cqp.test"}, "password": {"faux"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	body := string(b)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Adresse e-mail ou mot de passe incorrect") ||
		!strings.Contains(body, `value="secretariat@cqp.test"`) {
		t.Fatalf("status %d, body %.400s", res.StatusCode, body)
	}
}

func TestLoginIsThrottledAfterRepeatedFailures(t *testing.T) {
	s := newSite(t)
	c := s.client(t, "")
	var last int
	for i := 0; i < 6; i++ {
		res, err := c.PostForm(s.URL+"/connexion", url.Values{"email": {"secretariat@cqp.test"}, "password": {"faux"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("sixth failure answered %d, want 429", last)
	}
	res, err := c.PostForm(s.URL+"/connexion", url.Values{"email": {"secretariat@cqp.test"}, "password": {servicetest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the right password got through the throttle: %d", res.StatusCode)
	}
}

func TestPagesCarrySecurityHeadersAndFrenchLanguage(t *testing.T) {
	s := newSite(t)
	res, err := http.Get(s.URL + "/connexion")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	if !strings.Contains(string(b), `<html lang="fr">`) {
		t.Error("page is not declared French")
	}
	if strings.Contains(string(b), "<script>") {
		t.Error("page has an inline script")
	}
}

func TestCrossOriginFormPostsAreRefused(t *testing.T) {
	s := newSite(t)
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/connexion", strings.NewReader("email=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST answered %d, want 403", res.StatusCode)
	}
}

func TestUnknownPageIsAFrench404(t *testing.T) {
	s := newSite(t)
	status, body := s.do(t, s.client(t, ""), http.MethodGet, "/nulle-part")
	if status != http.StatusNotFound || !strings.Contains(body, "Cette page n'existe pas") {
		t.Fatalf("status %d body %.300s", status, body)
	}
}

func TestTheCandidatesListSaysMoreThanItsCountLimit(t *testing.T) {
	s := newSite(t)
	sec := s.secretariat(t)
	_, body := s.do(t, sec, http.MethodGet, "/candidats")
	if !strings.Contains(body, "résultats</p>") || strings.Contains(body, "Plus de") {
		t.Fatalf("exact count expected:\n%s", body)
	}
	defer web.SetCandidatesCounted(1)()
	status, body := s.do(t, sec, http.MethodGet, "/candidats")
	if status != http.StatusOK || !strings.Contains(body, "Plus de 1 résultats : précisez la recherche ou les filtres.") || !strings.Contains(body, s.world.CandidateA) {
		t.Fatalf("status %d, capped count expected:\n%s", status, body)
	}
}
