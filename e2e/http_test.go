package e2e

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/service/servicetest"
)

// httpActor is one person using the platform through its pages: a cookie jar logged in with
// their own account, never following redirects so that each answer's status can be checked.
type httpActor struct {
	t     *testing.T
	base  string
	email string
	c     *http.Client
}

// login opens a session for the account (every fixture account has servicetest.Password).
func login(t *testing.T, base, email string) *httpActor {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	a := &httpActor{t: t, base: base, email: email, c: c}
	if email == "" {
		return a
	}
	status, _, body := a.post("/connexion", url.Values{"email": {email}, "password": {servicetest.Password}})
	if status != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d, body %s", email, status, excerpt(body))
	}
	return a
}

// post sends a form and returns the status, the Location header and the unescaped body.
func (a *httpActor) post(path string, form url.Values) (int, string, string) {
	a.t.Helper()
	res, err := a.c.PostForm(a.base+path, form)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), html.UnescapeString(string(b))
}

// submit posts a form that must succeed (303) and returns where it redirects.
func (a *httpActor) submit(path string, form url.Values) string {
	a.t.Helper()
	status, loc, body := a.post(path, form)
	if status != http.StatusSeeOther {
		a.t.Fatalf("%s POST %s: status %d, body %s", a.email, path, status, excerpt(body))
	}
	return loc
}

// get reads a page and returns its status and unescaped body.
func (a *httpActor) get(path string) (int, string) {
	a.t.Helper()
	res, err := a.c.Get(a.base + path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, html.UnescapeString(string(b))
}

// page reads a page that must answer 200.
func (a *httpActor) page(path string) string {
	a.t.Helper()
	status, body := a.get(path)
	if status != http.StatusOK {
		a.t.Fatalf("%s GET %s: status %d, body %s", a.email, path, status, excerpt(body))
	}
	return body
}

// excerpt keeps the main content of a page (or its start) for failure messages.
func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	// A refused form: its error summary says why.
	if i := strings.Index(body, `role="alert"`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1200 {
		body = body[:1200] + "…"
	}
	return body
}
