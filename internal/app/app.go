// Package app wires cqp together: configuration → store → service → web and API. Tests boot
// the real server through it on port 0.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"cqp/internal/api"
	"cqp/internal/config"
	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/web"
)

// App is one running cqp server.
type App struct {
	Config  config.Config
	Log     *slog.Logger
	Store   *store.Store
	Service *service.Service
	Web     *web.Server

	listener net.Listener
	server   *http.Server
}

// Open connects to the database, migrates it, loads the shipped framework when the database
// holds none, and builds the service and the web server. It does not listen yet.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, now func() time.Time) (*App, error) {
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	svc := service.New(st, now, log, cfg.BaseURL)
	svc.SetVAESettings(VAESettings(cfg))
	svc.SetCDCSettings(CDCSettings(cfg))
	svc.SetSurveySettings(SurveySettings(cfg))
	if err := EnsureShippedFramework(ctx, svc); err != nil {
		st.Close()
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Store: st, Service: svc}
	queued := cfg.MaxQueued
	if queued == 0 {
		queued = -1 // the configuration's "no waiting"; web reads 0 as its default
	}
	a.Web, err = web.New(svc, log, web.Options{
		BaseURL: cfg.BaseURL, InsecureCookies: cfg.InsecureCookies, SessionLifetime: cfg.SessionLifetime,
		API: newAPI(svc, log), TrustedProxies: cfg.TrustedProxyPrefixes,
		MaxRequests: cfg.MaxRequests, MaxQueued: queued, QueueWait: cfg.QueueWait,
		APIOverloaded: api.Overloaded(web.OverloadMessage),
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// VAESettings are the VAE route's limits from the configuration.
func VAESettings(cfg config.Config) service.VAESettings {
	v := service.DefaultVAESettings()
	v.MaxEvidenceBytes = int64(cfg.EvidenceMaxMB) << 20
	v.ReminderDays = cfg.VAEReminderDays
	return v
}

// SurveySettings are the outcome survey's delays from the configuration.
func SurveySettings(cfg config.Config) service.SurveySettings {
	return service.SurveySettings{Waves: []int{cfg.SurveyFirstMonths, cfg.SurveySecondMonths}, ReminderDays: cfg.SurveyReminderDays}
}

// CDCSettings are the declaration to the Caisse des Dépôts' settings from the configuration.
func CDCSettings(cfg config.Config) service.CDCSettings {
	return service.CDCSettings{ClientID: cfg.CDCClientID, ContractID: cfg.CDCContractID, RNCP: cfg.CDCRNCP, DeclareBlocks: cfg.CDCDeclareBlocks}
}

// OpenStore opens and migrates the configured database.
func OpenStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	st, err := store.Open(ctx, store.Options{SQLitePath: cfg.SQLitePath(), PostgresURL: cfg.DatabaseURL})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// EnsureShippedFramework loads the framework embedded in the binary when no framework exists.
func EnsureShippedFramework(ctx context.Context, svc *service.Service) error {
	sys := domain.SystemActor("installation")
	fws, err := svc.Frameworks(ctx, sys)
	if err != nil {
		return err
	}
	if len(fws) > 0 {
		return nil
	}
	f, err := frameworkfile.Shipped()
	if err != nil {
		return fmt.Errorf("shipped framework: %w", err)
	}
	_, err = svc.ImportFrameworks(ctx, sys, f.Branch, frameworkfile.WithNotes(f))
	return err
}

// Listen binds the configured address (":0" picks a free port).
func (a *App) Listen() error {
	l, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	a.listener = l
	return nil
}

// URL is the address the server answers on, once listening.
func (a *App) URL() string { return "http://" + a.listener.Addr().String() }

// Run serves until ctx is cancelled, then shuts down gracefully: requests in flight get up to
// 15 seconds to finish.
func (a *App) Run(ctx context.Context) error {
	if a.listener == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	a.server = &http.Server{
		Handler:           a.Web.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	bg, stop := context.WithCancel(ctx)
	defer stop()
	go a.housekeeping(bg)
	go a.webhooks(bg)
	// Public lookups are counted in memory and added to the shared count every second; the
	// last flush runs once the server has stopped serving, before Run returns.
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		a.Service.RunVerificationFlusher(bg)
	}()
	defer func() {
		stop()
		<-flushed
	}()
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return a.server.Shutdown(shutdownCtx)
}

// housekeeping sends queued mail (when SMTP is configured) and, every hour, removes expired
// sessions and the API's idempotency keys older than a day, folds the statistics' step counts
// (PostgreSQL), reminds the VAE candidates who hold a file too long, sends the outcome surveys and their reminders that are due and announces a
// call for subjects on its opening day (each mail is recorded once, however many servers run);
// at start and every day it erases the personal data whose retention is over.
func (a *App) housekeeping(ctx context.Context) {
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	sessions := a.Store.Sessions(a.Service.Now)
	for i := 0; ; i++ {
		if a.Config.SMTPAddr != "" {
			if _, err := a.Service.SendPendingMail(ctx, service.SMTP{Addr: a.Config.SMTPAddr, User: a.Config.SMTPUser,
				Password: a.Config.SMTPPassword, From: a.Config.MailFrom}); err != nil && ctx.Err() == nil {
				a.Log.Warn("mail sender", "error", err)
			}
		}
		if i%240 == 0 {
			if err := sessions.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("session cleanup", "error", err)
			}
			if _, err := a.Service.PurgeIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("API idempotency keys purge", "error", err)
			}
			if err := a.Store.FoldCounts(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("statistics counters fold", "error", err)
			}
			if n, err := a.Service.SendVAEReminders(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("VAE reminders", "error", err)
			} else if n > 0 {
				a.Log.Info("VAE reminders queued", "count", n)
			}
			if n, err := a.Service.AnnounceSubjectCalls(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("subject call announcement", "error", err)
			} else if n > 0 {
				a.Log.Info("subject call announced", "mails", n)
			}
			if n, err := a.Service.SendOutcomeSurveys(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("outcome surveys", "error", err)
			} else if n.Surveys+n.Reminders > 0 {
				a.Log.Info("outcome surveys queued", "surveys", n.Surveys, "reminders", n.Reminders)
			}
		}
		if i%purgeEvery == 0 {
			a.purge(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// webhooks queues the change feed's new events for each webhook and sends the deliveries
// that are due, every few seconds (service.RunWebhooks).
func (a *App) webhooks(ctx context.Context) {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		run, err := a.Service.RunWebhooks(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.Log.Warn("webhooks", "error", err)
		case run.Delivered+run.Retried+run.Failed > 0:
			a.Log.Info("webhooks", "queued", run.Queued, "delivered", run.Delivered, "retried", run.Retried, "failed", run.Failed)
		}
	}
}

// purgeEvery is how many housekeeping ticks (15 s) pass between two purges: a day.
const purgeEvery = 24 * 60 * 4

// purge applies the branch's retention rules; what it erases is in the audit trail.
func (a *App) purge(ctx context.Context) {
	report, err := a.Service.PurgeExpired(ctx, domain.SystemActor(service.PurgeActorName), false)
	switch {
	case err != nil && ctx.Err() == nil:
		a.Log.Warn("personal data purge", "error", err)
	case err == nil && !report.Empty():
		a.Log.Info("personal data purged", "vae_files", report.VAEFiles, "evidence", report.Evidence, "mails", report.Mails, "candidates", report.Candidates)
	}
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }
