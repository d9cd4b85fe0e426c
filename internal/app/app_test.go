package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"cqp/internal/app"
	"cqp/internal/config"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store/storetest"
)

func start(t *testing.T, cfg config.Config) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
		a.Close()
	})
	return a
}

func testConfig(t *testing.T, databaseURL string) config.Config {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = databaseURL
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestTwoServersOnOnePostgreSQLShareSessions(t *testing.T) {
	base := os.Getenv(storetest.PostgresURLEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set in CI", storetest.PostgresURLEnv)
		}
		t.Skipf("%s not set: the multi-server test needs PostgreSQL", storetest.PostgresURLEnv)
	}
	dbURL := storetest.FreshSchema(t, base)
	// Both servers start at once: the migration lock lets one migrate while the other waits.
	var wg sync.WaitGroup
	apps := make([]*app.App, 2)
	for i := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			apps[i] = start(t, testConfig(t, dbURL))
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	_, err := apps[0].Service.CreateUser(context.Background(), domain.SystemActor("test"), service.UserInput{
		Email: "secretariat@cqp.test", Name: "Secrétariat", Password: "mot-de-passe-partage",
		Roles: []domain.RoleAssignment{{Role: domain.RoleSecretariat}}})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(apps[0].URL()+"/connexion", url.Values{"email": {"secretariat@cqp.test"}, "password": {"mot-de-passe-partage"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on server 1: %d", res.StatusCode)
	}
	u0, _ := url.Parse(apps[0].URL())
	u1, _ := url.Parse(apps[1].URL())
	jar.SetCookies(u1, jar.Cookies(u0))
	res, err = c.Get(apps[1].URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "Tableau de bord") {
		t.Fatalf("server 2 did not recognise the session opened on server 1: %d", res.StatusCode)
	}
}

func TestHealthzAnswersWhileTheDatabaseIsReachable(t *testing.T) {
	a := start(t, testConfig(t, ""))
	res, err := http.Get(a.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("healthz %d", res.StatusCode)
	}
	a.Store.Close()
	res, err = http.Get(a.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("healthz with a closed database: %d", res.StatusCode)
	}
}
