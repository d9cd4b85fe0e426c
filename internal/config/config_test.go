package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	c := Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	Bind(fs, &c, "addr", "data", "database", "demo", "base-url", "smtp", "admin", "session", "proxies", "load", "survey")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Resolve()
}

func TestDefaultsGiveALocalSQLiteServerWithPlainHTTPCookies(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "http://127.0.0.1:8080" || !c.InsecureCookies || c.SQLitePath() != "cqp-data/cqp.db" {
		t.Fatalf("%+v", c)
	}
}

func TestEnvironmentVariablesSetEveryFlagAndFlagsWin(t *testing.T) {
	c, err := parse(t, map[string]string{"CQP_ADDR": "0.0.0.0:9000", "CQP_BASE_URL": "https://cqp.example.org/",
		"CQP_DEMO": "true", "CQP_SESSION_LIFETIME": "8h", "CQP_DATA": "/tmp/x"}, "--data", "/tmp/y")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.BaseURL != "https://cqp.example.org" || c.InsecureCookies || !c.Demo ||
		c.SessionLifetime != 8*time.Hour || c.DataDir != "/tmp/y" {
		t.Fatalf("%+v", c)
	}
}

func TestInvalidConfigurationIsRefusedWithOneLine(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"a port out of range", nil, []string{"--addr", "127.0.0.1:70000"}, "port"},
		{"a MySQL URL", nil, []string{"--database", "mysql://db/cqp"}, "postgres://"},
		{"a base URL without scheme", nil, []string{"--base-url", "cqp.example.org"}, "base URL"},
		{"a password without e-mail", map[string]string{"CQP_ADMIN_PASSWORD": "un-mot-de-passe-long"}, nil, "go together"},
		{"a short admin password", map[string]string{"CQP_ADMIN_EMAIL": "a@b.fr", "CQP_ADMIN_PASSWORD": "court"}, nil, "12 characters"},
		{"a demo flag that is not a boolean", map[string]string{"CQP_DEMO": "oui"}, nil, "CQP_DEMO"},
		{"a lifetime that is not a duration", map[string]string{"CQP_SESSION_LIFETIME": "demain"}, nil, "CQP_SESSION_LIFETIME"},
		{"an empty data directory", nil, []string{"--data", ""}, "data directory"},
		{"no request handled at once", nil, []string{"--max-requests", "0"}, "--max-requests"},
		{"a negative queue", map[string]string{"CQP_MAX_QUEUED": "-1"}, nil, "CQP_MAX_QUEUED"},
		{"a queue wait of zero", nil, []string{"--queue-wait", "0s"}, "--queue-wait"},
		{"a queue wait that is not a duration", map[string]string{"CQP_QUEUE_WAIT": "deux"}, nil, "CQP_QUEUE_WAIT"},
		{"an outcome survey before the result", nil, []string{"--survey-first-months", "-1"}, "--survey-first-months"},
		{"a second outcome survey before the first", map[string]string{"CQP_SURVEY_FIRST_MONTHS": "12", "CQP_SURVEY_SECOND_MONTHS": "6"}, nil, "CQP_SURVEY_SECOND_MONTHS"},
		{"a survey reminder after its link ends", nil, []string{"--survey-reminder-days", "60"}, "--survey-reminder-days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.env, tt.args...)
			if err == nil || !IsConfigError(err) {
				t.Fatalf("got %v, want a configuration error", err)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("message %q should be one line mentioning %q", err, tt.want)
			}
		})
	}
}

func TestTrustedProxiesAreNetworksOrAddresses(t *testing.T) {
	c, err := parse(t, map[string]string{"CQP_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxyPrefixes {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 192.0.2.7/32 2001:db8::/32" {
		t.Fatalf("prefixes %v", got)
	}
	if c, err := parse(t, nil, "--trusted-proxies", ""); err != nil || len(c.TrustedProxyPrefixes) != 0 {
		t.Fatalf("empty list: %v %v", c.TrustedProxyPrefixes, err)
	}
	if _, err := parse(t, nil, "--trusted-proxies", "10.0.0.0/8,proxy.example"); err == nil || !strings.Contains(err.Error(), `"proxy.example"`) {
		t.Fatalf("a name was accepted: %v", err)
	}
}

func TestOverloadBoundsHaveDefaultsAndCanBeSet(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxRequests != 64 || c.MaxQueued != 128 || c.QueueWait != 2*time.Second {
		t.Fatalf("defaults: %d in flight, %d queued, %s wait", c.MaxRequests, c.MaxQueued, c.QueueWait)
	}
	c, err = parse(t, map[string]string{"CQP_MAX_REQUESTS": "8", "CQP_QUEUE_WAIT": "500ms"}, "--max-queued", "0")
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxRequests != 8 || c.MaxQueued != 0 || c.QueueWait != 500*time.Millisecond {
		t.Fatalf("set: %d in flight, %d queued, %s wait", c.MaxRequests, c.MaxQueued, c.QueueWait)
	}
}

func TestOutcomeSurveyDelaysHaveDefaultsAndCanBeSet(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.SurveyFirstMonths != 6 || c.SurveySecondMonths != 12 || c.SurveyReminderDays != 15 {
		t.Fatalf("defaults: %d, %d months, reminder %d days", c.SurveyFirstMonths, c.SurveySecondMonths, c.SurveyReminderDays)
	}
	c, err = parse(t, map[string]string{"CQP_SURVEY_FIRST_MONTHS": "3", "CQP_SURVEY_REMINDER_DAYS": "0"}, "--survey-second-months", "0")
	if err != nil {
		t.Fatal(err)
	}
	if c.SurveyFirstMonths != 3 || c.SurveySecondMonths != 0 || c.SurveyReminderDays != 0 {
		t.Fatalf("set: %d, %d months, reminder %d days", c.SurveyFirstMonths, c.SurveySecondMonths, c.SurveyReminderDays)
	}
}
