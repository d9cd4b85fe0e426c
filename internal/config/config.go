// Package config builds the one Config of a cqp process from flags and CQP_* environment
// variables, validates it, and hands it down explicitly: there are no globals.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything a cqp process can be told from outside.
type Config struct {
	Addr        string // listen address, HOST:PORT
	DataDir     string // where the SQLite database, backups and stored files live
	DatabaseURL string // postgres://… to use PostgreSQL; empty for SQLite in DataDir
	Demo        bool   // load demo data at start
	BaseURL     string // public URL used in mails and QR codes; defaults from Addr

	AdminEmail    string // first secretariat account, created when no user exists
	AdminPassword string

	SMTPAddr     string // host:port; empty sends mail to the outbox shown in the UI
	SMTPUser     string
	SMTPPassword string
	MailFrom     string

	SessionLifetime time.Duration

	// VAE route: the largest evidence file accepted, in megabytes, and after how many days a
	// candidate who holds a file is reminded (0: never).
	EvidenceMaxMB   int
	VAEReminderDays int
	// The candidates' outcome survey (« devenir »): the months after the result of its two
	// waves (0: no such wave), and the days before an unanswered survey is reminded once
	// (0: never).
	SurveyFirstMonths  int
	SurveySecondMonths int
	SurveyReminderDays int
	// InsecureCookies drops the Secure attribute and the __Host- prefix, for plain-HTTP
	// development on 127.0.0.1 only. It is set automatically for loopback addresses when
	// BaseURL is http.
	InsecureCookies bool

	// TrustedProxies lists, comma-separated, the networks (CIDR, or single addresses) of the
	// load balancers or reverse proxies in front of cqp. Only requests from them have their
	// X-Forwarded-For read; Resolve parses it into TrustedProxyPrefixes.
	TrustedProxies       string
	TrustedProxyPrefixes []netip.Prefix

	// Overload: at most MaxRequests requests are handled at once and MaxQueued wait for a
	// turn, each for at most QueueWait; beyond that a request is answered 503 with
	// Retry-After. MaxQueued 0: no waiting.
	MaxRequests int
	MaxQueued   int
	QueueWait   time.Duration
	// The declaration of awards to the Caisse des Dépôts (« accrochage »): the identifiers it
	// issued to the certifier, the RNCP code used when a framework has none, and whether the
	// branch's RNCP registration has blocks whose attestations are declared too.
	CDCClientID      string
	CDCContractID    string
	CDCRNCP          string
	CDCDeclareBlocks bool

	envProblems []string // environment values that could not be read, reported by Resolve
}

// Default returns the configuration used when nothing is given.
func Default() Config {
	return Config{
		Addr:               "127.0.0.1:8080",
		DataDir:            "cqp-data",
		MailFrom:           "cqp@localhost",
		SessionLifetime:    12 * time.Hour,
		EvidenceMaxMB:      10,
		VAEReminderDays:    30,
		SurveyFirstMonths:  6,
		SurveySecondMonths: 12,
		SurveyReminderDays: 15,
		MaxRequests:        64,
		MaxQueued:          128,
		QueueWait:          2 * time.Second,
	}
}

// Flag describes one setting: its flag name, environment variable and help.
type Flag struct {
	Name  string
	Env   string
	Usage string
}

// Error is an invalid configuration: one line a person can act on.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Bind registers the settings named in names on fs, with their environment defaults applied.
// Call Resolve after fs.Parse.
func Bind(fs *flag.FlagSet, c *Config, names ...string) {
	for _, n := range names {
		switch n {
		case "addr":
			fs.StringVar(&c.Addr, "addr", envOr("CQP_ADDR", c.Addr), "listen address HOST:PORT (CQP_ADDR)")
		case "data":
			fs.StringVar(&c.DataDir, "data", envOr("CQP_DATA", c.DataDir), "data directory for the SQLite database and files (CQP_DATA)")
		case "database":
			fs.StringVar(&c.DatabaseURL, "database", envOr("CQP_DATABASE_URL", c.DatabaseURL), "PostgreSQL URL postgres://…; empty for SQLite in the data directory (CQP_DATABASE_URL)")
		case "demo":
			fs.BoolVar(&c.Demo, "demo", c.envBool("CQP_DEMO", c.Demo), "load demo data (CQP_DEMO)")
		case "base-url":
			fs.StringVar(&c.BaseURL, "base-url", envOr("CQP_BASE_URL", c.BaseURL), "public URL used in mails and QR codes (CQP_BASE_URL)")
		case "smtp":
			fs.StringVar(&c.SMTPAddr, "smtp", envOr("CQP_SMTP_ADDR", c.SMTPAddr), "SMTP server HOST:PORT; empty keeps mail in the outbox (CQP_SMTP_ADDR)")
			fs.StringVar(&c.SMTPUser, "smtp-user", envOr("CQP_SMTP_USER", c.SMTPUser), "SMTP user (CQP_SMTP_USER)")
			fs.StringVar(&c.SMTPPassword, "smtp-password", envOr("CQP_SMTP_PASSWORD", c.SMTPPassword), "SMTP password (CQP_SMTP_PASSWORD)")
			fs.StringVar(&c.MailFrom, "mail-from", envOr("CQP_MAIL_FROM", c.MailFrom), "sender address of mails (CQP_MAIL_FROM)")
		case "admin":
			fs.StringVar(&c.AdminEmail, "admin-email", envOr("CQP_ADMIN_EMAIL", c.AdminEmail), "e-mail of the first secretariat account (CQP_ADMIN_EMAIL)")
			fs.StringVar(&c.AdminPassword, "admin-password", envOr("CQP_ADMIN_PASSWORD", c.AdminPassword), "password of the first secretariat account (CQP_ADMIN_PASSWORD)")
		case "session":
			fs.DurationVar(&c.SessionLifetime, "session-lifetime", c.envDuration("CQP_SESSION_LIFETIME", c.SessionLifetime), "how long a login lasts (CQP_SESSION_LIFETIME)")
		case "proxies":
			fs.StringVar(&c.TrustedProxies, "trusted-proxies", envOr("CQP_TRUSTED_PROXIES", c.TrustedProxies), "comma-separated networks (CIDR) of the proxies in front of cqp, whose X-Forwarded-For is believed; empty: none (CQP_TRUSTED_PROXIES)")
		case "vae":
			fs.IntVar(&c.EvidenceMaxMB, "evidence-max-mb", c.envInt("CQP_EVIDENCE_MAX_MB", c.EvidenceMaxMB), "largest VAE evidence file accepted, in megabytes (CQP_EVIDENCE_MAX_MB)")
			fs.IntVar(&c.VAEReminderDays, "vae-reminder-days", c.envInt("CQP_VAE_REMINDER_DAYS", c.VAEReminderDays), "days before a VAE candidate holding a file is reminded; 0 for never (CQP_VAE_REMINDER_DAYS)")
		case "survey":
			fs.IntVar(&c.SurveyFirstMonths, "survey-first-months", c.envInt("CQP_SURVEY_FIRST_MONTHS", c.SurveyFirstMonths), "months after the result at which a judged candidate gets the first outcome survey; 0 for none (CQP_SURVEY_FIRST_MONTHS)")
			fs.IntVar(&c.SurveySecondMonths, "survey-second-months", c.envInt("CQP_SURVEY_SECOND_MONTHS", c.SurveySecondMonths), "months after the result of the second outcome survey; 0 for none (CQP_SURVEY_SECOND_MONTHS)")
			fs.IntVar(&c.SurveyReminderDays, "survey-reminder-days", c.envInt("CQP_SURVEY_REMINDER_DAYS", c.SurveyReminderDays), "days before an unanswered outcome survey is reminded, once; 0 for never (CQP_SURVEY_REMINDER_DAYS)")
		case "load":
			fs.IntVar(&c.MaxRequests, "max-requests", c.envInt("CQP_MAX_REQUESTS", c.MaxRequests), "requests handled at once; beyond, they wait in the queue (CQP_MAX_REQUESTS)")
			fs.IntVar(&c.MaxQueued, "max-queued", c.envInt("CQP_MAX_QUEUED", c.MaxQueued), "requests waiting for a turn; beyond, they are answered 503 with Retry-After; 0 for no waiting (CQP_MAX_QUEUED)")
			fs.DurationVar(&c.QueueWait, "queue-wait", c.envDuration("CQP_QUEUE_WAIT", c.QueueWait), "longest wait in the queue before a 503 (CQP_QUEUE_WAIT)")
		case "cdc":
			fs.StringVar(&c.CDCClientID, "cdc-client-id", envOr("CQP_CDC_CLIENT_ID", c.CDCClientID), "idClient issued by the Caisse des Dépôts, 8 characters (CQP_CDC_CLIENT_ID)")
			fs.StringVar(&c.CDCContractID, "cdc-contract-id", envOr("CQP_CDC_CONTRACT_ID", c.CDCContractID), "idContrat issued by the Caisse des Dépôts (CQP_CDC_CONTRACT_ID)")
			fs.StringVar(&c.CDCRNCP, "cdc-rncp", envOr("CQP_CDC_RNCP", c.CDCRNCP), "RNCP code declared when a framework has none, e.g. RNCP12345 (CQP_CDC_RNCP)")
			fs.BoolVar(&c.CDCDeclareBlocks, "cdc-declare-blocks", c.envBool("CQP_CDC_DECLARE_BLOCKS", c.CDCDeclareBlocks), "declare block attestations too, when the RNCP registration has blocks (CQP_CDC_DECLARE_BLOCKS)")
		default:
			panic("config: unknown setting " + n)
		}
	}
}

// Resolve validates c and fills derived values. Its error is one line for the operator.
func (c *Config) Resolve() error {
	if len(c.envProblems) > 0 {
		return &Error{c.envProblems[0]}
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return &Error{"invalid database URL: expected postgres://USER@HOST:PORT/DB (CQP_DATABASE_URL)"}
		}
	}
	if c.DataDir == "" {
		return &Error{"the data directory must not be empty (--data, CQP_DATA)"}
	}
	if c.Addr != "" {
		host, port, err := net.SplitHostPort(c.Addr)
		if err != nil {
			return &Error{fmt.Sprintf("invalid listen address %q: expected HOST:PORT (--addr, CQP_ADDR)", c.Addr)}
		}
		if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			return &Error{fmt.Sprintf("invalid port in listen address %q (--addr, CQP_ADDR)", c.Addr)}
		}
		if c.BaseURL == "" {
			if host == "" || host == "0.0.0.0" || host == "::" {
				host = "127.0.0.1"
			}
			c.BaseURL = "http://" + net.JoinHostPort(host, port)
		}
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{fmt.Sprintf("invalid base URL %q: expected http(s)://HOST (--base-url, CQP_BASE_URL)", c.BaseURL)}
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
		if u.Scheme == "http" {
			c.InsecureCookies = true
		}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return &Error{"CQP_ADMIN_EMAIL and CQP_ADMIN_PASSWORD go together: give both or neither"}
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 12 {
		return &Error{"CQP_ADMIN_PASSWORD must have at least 12 characters"}
	}
	if c.EvidenceMaxMB < 1 || c.EvidenceMaxMB > 100 {
		return &Error{fmt.Sprintf("the evidence size limit must be from 1 to 100 megabytes, not %d (--evidence-max-mb, CQP_EVIDENCE_MAX_MB)", c.EvidenceMaxMB)}
	}
	if c.VAEReminderDays < 0 || c.VAEReminderDays > 365 {
		return &Error{fmt.Sprintf("the VAE reminder delay must be from 0 (never) to 365 days, not %d (--vae-reminder-days, CQP_VAE_REMINDER_DAYS)", c.VAEReminderDays)}
	}
	for _, m := range []struct {
		months    int
		flag, env string
	}{{c.SurveyFirstMonths, "--survey-first-months", "CQP_SURVEY_FIRST_MONTHS"}, {c.SurveySecondMonths, "--survey-second-months", "CQP_SURVEY_SECOND_MONTHS"}} {
		if m.months < 0 || m.months > 60 {
			return &Error{fmt.Sprintf("an outcome survey comes from 0 (none) to 60 months after the result, not %d (%s, %s)", m.months, m.flag, m.env)}
		}
	}
	if c.SurveyFirstMonths > 0 && c.SurveySecondMonths > 0 && c.SurveySecondMonths <= c.SurveyFirstMonths {
		return &Error{fmt.Sprintf("the second outcome survey must come after the first: %d months is not after %d (--survey-second-months, CQP_SURVEY_SECOND_MONTHS)", c.SurveySecondMonths, c.SurveyFirstMonths)}
	}
	if c.SurveyReminderDays < 0 || c.SurveyReminderDays >= 60 {
		return &Error{fmt.Sprintf("the outcome survey reminder comes from 0 (never) to 59 days after the survey, while its link works, not %d (--survey-reminder-days, CQP_SURVEY_REMINDER_DAYS)", c.SurveyReminderDays)}
	}
	if c.SessionLifetime < time.Minute {
		return &Error{"the session lifetime must be at least one minute (CQP_SESSION_LIFETIME)"}
	}
	if c.MaxRequests < 1 || c.MaxRequests > 100000 {
		return &Error{fmt.Sprintf("the number of requests handled at once must be from 1 to 100000, not %d (--max-requests, CQP_MAX_REQUESTS)", c.MaxRequests)}
	}
	if c.MaxQueued < 0 || c.MaxQueued > 100000 {
		return &Error{fmt.Sprintf("the number of queued requests must be from 0 (no waiting) to 100000, not %d (--max-queued, CQP_MAX_QUEUED)", c.MaxQueued)}
	}
	if c.QueueWait <= 0 || c.QueueWait > time.Minute {
		return &Error{fmt.Sprintf("the queue wait must be more than 0 and at most 1m, not %s (--queue-wait, CQP_QUEUE_WAIT)", c.QueueWait)}
	}
	c.CDCClientID, c.CDCContractID, c.CDCRNCP = strings.TrimSpace(c.CDCClientID), strings.TrimSpace(c.CDCContractID), strings.TrimSpace(c.CDCRNCP)
	if c.CDCClientID != "" && len(c.CDCClientID) != 8 {
		return &Error{fmt.Sprintf("the Caisse des Dépôts client id has 8 characters, not %d (--cdc-client-id, CQP_CDC_CLIENT_ID)", len(c.CDCClientID))}
	}
	if len(c.CDCContractID) > 20 {
		return &Error{"the Caisse des Dépôts contract id has at most 20 characters (--cdc-contract-id, CQP_CDC_CONTRACT_ID)"}
	}
	prefixes, err := parsePrefixes(c.TrustedProxies)
	if err != nil {
		return err
	}
	c.TrustedProxyPrefixes = prefixes
	return nil
}

// parsePrefixes reads a comma-separated list of networks; a single address is a network of
// one address.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(item); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		return nil, &Error{fmt.Sprintf("invalid trusted proxy %q: expected a network such as 10.0.0.0/8 or an address (--trusted-proxies, CQP_TRUSTED_PROXIES)", item)}
	}
	return out, nil
}

// SQLitePath is the database file used when no PostgreSQL URL is given.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "cqp.db") }

// IsConfigError reports whether err is an invalid configuration.
func IsConfigError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func (c *Config) envBool(key string, def bool) bool {
	v, ok := os.LookupEnv(key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		c.envProblems = append(c.envProblems, fmt.Sprintf("%s=%q is not a boolean: use true or false", key, v))
		return def
	}
	return b
}

func (c *Config) envInt(key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		c.envProblems = append(c.envProblems, fmt.Sprintf("%s=%q is not a whole number", key, v))
		return def
	}
	return n
}

func (c *Config) envDuration(key string, def time.Duration) time.Duration {
	v, ok := os.LookupEnv(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		c.envProblems = append(c.envProblems, fmt.Sprintf("%s=%q is not a duration: use for example 12h or 30m", key, v))
		return def
	}
	return d
}
