// Package service holds cqp's use cases. Each one checks the caller's permission, runs in one
// transaction, and writes the audit trail in that same transaction.
package service

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/google/uuid"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// Service is the application: what the web UI, the API and the CLI call.
type Service struct {
	store   *store.Store
	now     func() time.Time
	log     *slog.Logger
	baseURL string
	vae     VAESettings
	cdc     CDCSettings
	survey  SurveySettings
	// passwordWork bounds the password hashes computed at once to the cores this process may
	// use (GOMAXPROCS).
	passwordWork passwordWork
	// verifications counts public lookups per address in memory (verification_limit.go).
	verifications *verificationCounts
	// pickSubject is the subject draw's random source (subject_draws.go); nil: math/rand/v2.
	pickSubject func(n int) int
	// eventSettle is how old an audit entry must be to show in the change feed (events.go).
	eventSettle time.Duration
	// webhookClient sends the webhooks' deliveries (webhooks.go).
	webhookClient *http.Client
}

// New returns a Service. now is the clock (tests pass a fixed one); baseURL prefixes links in mails.
func New(s *store.Store, now func() time.Time, log *slog.Logger, baseURL string) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now, log: log, baseURL: baseURL, vae: DefaultVAESettings(), survey: DefaultSurveySettings(),
		passwordWork: newPasswordWork(runtime.GOMAXPROCS(0)), verifications: newVerificationCounts(VerifyLimit, VerifyWindow),
		eventSettle: DefaultEventSettle, webhookClient: newWebhookClient()}
}

// Store exposes the store for wiring (sessions) and health checks.
func (s *Service) Store() *store.Store { return s.store }

// Now returns the service clock's time.
func (s *Service) Now() time.Time { return s.now().UTC() }

// Today returns the current day in Paris.
func (s *Service) Today() domain.Date { return domain.DateOf(s.now()) }

// newID returns a new time-ordered identifier.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// change describes one audited state change.
type change struct {
	Action      string
	EntityType  string
	EntityID    string
	CandidateID string
	Before      any // nil for a creation
	After       any // nil for a removal
	Reason      string
}

// audit appends the change to the trail inside the caller's transaction.
func (s *Service) audit(ctx context.Context, q store.Q, a domain.Actor, c change) error {
	return q.AppendAudit(ctx, domain.AuditEntry{
		ID: newID(), At: s.Now(), ActorID: a.UserID, ActorName: a.Name, ActorRole: string(a.PrimaryRole()),
		Action: c.Action, EntityType: c.EntityType, EntityID: c.EntityID, CandidateID: c.CandidateID,
		Before: jsonOf(c.Before), After: jsonOf(c.After), Reason: c.Reason, RequestID: a.RequestID,
	})
}

func jsonOf(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// Ping checks the database for /healthz.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }
