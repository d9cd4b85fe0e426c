package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestLoginsFindingEveryHashingSlotTakenAreRefusedWithoutHashingOrCounting(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := New(st, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")
		s.passwordWork = newPasswordWork(2)
		const email, password = "secretariat@cqp.test", "un mot de passe assez long"
		if _, err := s.EnsureAdmin(ctx, email, password); err != nil {
			t.Fatal(err)
		}
		// Two hashes under way elsewhere take both slots.
		s.passwordWork.tryStart()
		s.passwordWork.tryStart()
		for i := 0; i < 2*maxFailuresPerAccount; i++ {
			_, err := s.Login(ctx, email, "pas le bon mot de passe", "192.0.2.1")
			if domain.ErrorCode(err) != domain.ETOOMANY || !errors.Is(err, errPasswordWorkBusy) || LoginRetryAfter(err) != busyRetryAfter {
				t.Fatalf("login %d with every slot taken: %v", i+1, err)
			}
		}
		s.passwordWork.done()
		s.passwordWork.done()
		// The refused logins were not counted against the account: the right password works.
		if u, err := s.Login(ctx, email, password, "192.0.2.1"); err != nil || u.Email != email {
			t.Fatalf("login once the slots are free: %v", err)
		}
		if len(s.passwordWork.slots) != 0 {
			t.Fatalf("a login kept %d slots", len(s.passwordWork.slots))
		}
	})
}

func TestAThrottledLoginIsRefusedBeforeAnyHashing(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := New(st, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")
		const email = "secretariat@cqp.test"
		if _, err := s.EnsureAdmin(ctx, email, "un mot de passe assez long"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < maxFailuresPerAccount; i++ {
			if _, err := s.Login(ctx, email, "pas le bon mot de passe", "192.0.2.1"); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		// With every slot taken, a throttled login still says "too many attempts", not "busy":
		// the throttle came first and no hash was needed.
		s.passwordWork = newPasswordWork(1)
		s.passwordWork.tryStart()
		_, err := s.Login(ctx, email, "pas le bon mot de passe", "192.0.2.1")
		if domain.ErrorCode(err) != domain.ETOOMANY || errors.Is(err, errPasswordWorkBusy) || LoginRetryAfter(err) != failureWindow {
			t.Fatalf("sixth attempt: %v", err)
		}
	})
}
