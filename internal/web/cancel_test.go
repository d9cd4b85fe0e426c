package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
	"cqp/internal/web"
)

// syncBuffer is a log destination the server's goroutines may share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestAClientThatLeavesIsNotAnInternalError sends requests whose client has already gone (their
// context is cancelled) through the whole server, pages and API: nothing is logged as an error
// and nobody is answered 500.
func TestAClientThatLeavesIsNotAnInternalError(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := web.New(w.Service, log, web.Options{InsecureCookies: true, API: api.New(w.Service, log).Handler()})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	// A logged-in visitor's session cookie, so that the session store is read too.
	login := httptest.NewRequest(http.MethodPost, "/connexion",
		strings.NewReader(url.Values{"email": {w.Accounts[domain.RoleSecretariat]}, "password": {servicetest.Password}}.Encode()))
	login.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	logged := httptest.NewRecorder()
	h.ServeHTTP(logged, login)
	cookies := logged.Result().Cookies()
	if logged.Code != http.StatusSeeOther || len(cookies) == 0 {
		t.Fatalf("login: status %d, cookies %v", logged.Code, cookies)
	}
	for _, c := range []struct {
		name, path string
		cookies    []*http.Cookie
	}{
		{"a public page's query", "/verifier/ACDEFGHJKMNP", nil},
		{"a public API query", "/api/v1/verify/ACDEFGHJKMNP", nil},
		{"a logged-in page's session", "/candidats", cookies},
		{"a logged-in page's session under the API's address", "/api/v1/verify/ACDEFGHJKMNP", cookies},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the client went away before the server answered
			req := httptest.NewRequest(http.MethodGet, c.path, nil).WithContext(ctx)
			for _, cookie := range c.cookies {
				req.AddCookie(cookie)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= http.StatusInternalServerError {
				t.Errorf("answered %d to a client that left: %s", rec.Code, rec.Body)
			}
			if out := logs.String(); strings.Contains(out, "level=ERROR") || strings.Contains(out, "context canceled") {
				t.Errorf("the departure was logged as an error:\n%s", out)
			}
		})
	}
}
