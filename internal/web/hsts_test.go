package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
	"cqp/internal/web"
)

// TestHSTSIsSentWhenTheBaseURLIsHTTPS serves cqp in clear, as behind a proxy that ends TLS:
// with an https base URL every answer, public page, page behind login or error, carries
// Strict-Transport-Security; with an http one, none does.
func TestHSTSIsSentWhenTheBaseURLIsHTTPS(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	for baseURL, want := range map[string]string{
		"https://cqp.example.org":  "max-age=31536000; includeSubDomains",
		"HTTPS://cqp.example.org/": "max-age=31536000; includeSubDomains",
		"http://localhost:8080":    "",
	} {
		t.Run(baseURL, func(t *testing.T) {
			srv, err := web.New(w.Service, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Options{BaseURL: baseURL, InsecureCookies: true})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for _, path := range []string{"/connexion", "/candidats", "/nulle-part", "/verifier"} {
				res, err := c.Get(ts.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if got := res.Header.Get("Strict-Transport-Security"); got != want {
					t.Errorf("%s (status %d): Strict-Transport-Security %q, want %q", path, res.StatusCode, got, want)
				}
			}
		})
	}
}
