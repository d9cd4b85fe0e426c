package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/api"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
	"cqp/internal/web"
)

// newSiteWithAPI is newSite with the JSON API mounted, as cqp serve runs it.
func newSiteWithAPI(t *testing.T) *site {
	t.Helper()
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := web.New(w.Service, log, web.Options{InsecureCookies: true, API: api.New(w.Service, log).Handler()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &site{Server: ts, world: w, store: st, routes: srv.Routes()}
}

// postForm posts values and returns the status, the redirect target and the page.
func (s *site) postForm(t *testing.T, c *http.Client, path string, v url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(s.URL+path, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// loggedIn reports whether c's session still opens « Mon compte ».
func (s *site) loggedIn(t *testing.T, c *http.Client) bool {
	t.Helper()
	code, _ := s.do(t, c, http.MethodGet, "/compte")
	return code == http.StatusOK
}

// createToken creates an API token on « Mon compte » and returns its secret.
func (s *site) createToken(t *testing.T, c *http.Client, name, days string) string {
	t.Helper()
	code, _, page := s.postForm(t, c, "/compte/jetons", url.Values{"name": {name}, "days": {days}})
	_, after, ok := strings.Cut(page, `id="nouveau-jeton"`)
	if code != http.StatusOK || !ok {
		t.Fatalf("token creation: %d %.600s", code, page)
	}
	_, after, _ = strings.Cut(after, `value="`)
	secret, _, _ := strings.Cut(after, `"`)
	return secret
}

// apiMe calls GET /api/v1/me with token and returns the status and the problem's detail.
func (s *site) apiMe(t *testing.T, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p struct{ Detail string }
	_ = json.NewDecoder(res.Body).Decode(&p)
	return res.StatusCode, p.Detail
}

func TestAPasswordChangeEndsEveryOtherSessionOfTheAccount(t *testing.T) {
	s := newSite(t)
	email := s.world.Accounts["secretariat"]
	here, elsewhere, other := s.client(t, email), s.client(t, email), s.client(t, s.world.Accounts["branch"])
	code, loc, page := s.postForm(t, here, "/compte/mot-de-passe", url.Values{"current": {servicetest.Password}, "password": {"un nouveau mot de passe solide"}})
	if code != http.StatusSeeOther || loc != "/compte" {
		t.Fatalf("password change: %d %q %.400s", code, loc, page)
	}
	if !s.loggedIn(t, here) {
		t.Error("the session that changed the password was ended")
	}
	if s.loggedIn(t, elsewhere) {
		t.Error("another session of the account survived the password change")
	}
	if _, page := s.do(t, elsewhere, http.MethodGet, "/connexion"); !strings.Contains(page, "Votre session a pris fin") {
		t.Errorf("the ended session is not told why: %.1500s", page)
	}
	if !s.loggedIn(t, other) {
		t.Error("another account's session was ended")
	}
	if !s.mailedPasswordChange(t, email, "Vos sessions ouvertes sur d'autres appareils sont fermées.") {
		t.Error("the account's owner was not told by mail that the password changed")
	}
}

// mailedPasswordChange reports whether email was told that its password changed, with ended.
func (s *site) mailedPasswordChange(t *testing.T, email, ended string) bool {
	t.Helper()
	mails, err := s.store.Read().ListMail(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if m.To == email && m.Subject == "Le mot de passe de votre compte cqp a changé" && strings.Contains(m.Body, ended) {
			return true
		}
	}
	return false
}

func TestAPasswordResetEndsEverySessionAndAPITokenOfTheAccount(t *testing.T) {
	s := newSiteWithAPI(t)
	email := s.world.Accounts["candidate"]
	browser := s.client(t, email)
	token := s.createToken(t, browser, "mon script", "90")
	if code, _ := s.apiMe(t, token); code != http.StatusOK {
		t.Fatalf("new token refused: %d", code)
	}

	s.resetRequest(t, s.client(t, ""), email)
	links := s.resetLinks(t, email)
	code, loc, page := s.postForm(t, s.client(t, ""), "/mot-de-passe/nouveau",
		url.Values{"jeton": {links[len(links)-1]}, "password": {"un nouveau mot de passe solide"}, "confirm": {"un nouveau mot de passe solide"}})
	if code != http.StatusSeeOther || loc != "/connexion" {
		t.Fatalf("reset: %d %q %.400s", code, loc, page)
	}

	if s.loggedIn(t, browser) {
		t.Error("a session survived the password reset")
	}
	if !s.mailedPasswordChange(t, email, "vos jetons d'API ont pris fin") {
		t.Error("the account's owner was not told by mail that the password was reset")
	}
	code, detail := s.apiMe(t, token)
	if code != http.StatusUnauthorized || !strings.Contains(detail, "réinitialisation du mot de passe") {
		t.Errorf("API token after the reset: %d %q", code, detail)
	}

	again := s.client(t, "")
	if code, _, _ := s.postForm(t, again, "/connexion", url.Values{"email": {email}, "password": {"un nouveau mot de passe solide"}}); code != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", code)
	}
	_, account := s.do(t, again, http.MethodGet, "/compte")
	if !strings.Contains(account, "par la réinitialisation du mot de passe") || !strings.Contains(account, "À renouveler : créez un nouveau jeton.") {
		t.Errorf("« Mon compte » does not list the token as ended, to renew: %.2000s", account[strings.Index(account, "Vos jetons"):])
	}
}

func TestAnAPITokenIsGivenTheLifetimeChosenAtCreation(t *testing.T) {
	s := newSite(t)
	c := s.client(t, s.world.Accounts["secretariat"])
	_, form := s.do(t, c, http.MethodGet, "/compte")
	if !strings.Contains(form, `name="days" type="number" value="90"`) {
		t.Fatalf("the lifetime field does not offer 90 days: %.3000s", form)
	}
	s.createToken(t, c, "export", "30")
	_, page := s.do(t, c, http.MethodGet, "/compte")
	// The fixtures' clock is 25/11/2026 10:00 in Paris.
	if !strings.Contains(page, "<th scope=\"col\">Expire le</th>") || !strings.Contains(page, "25/12/2026 à 10:00") {
		t.Errorf("« Mon compte » does not show the token's expiry: %.3000s", page)
	}
	for _, days := range []string{"0", "366", "trois"} {
		code, _, page := s.postForm(t, c, "/compte/jetons", url.Values{"name": {"x"}, "days": {days}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, "de 1 à 365") {
			t.Errorf("lifetime %q: %d %.400s", days, code, page)
		}
	}
}
