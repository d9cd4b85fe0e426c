package service

import (
	"context"
	"errors"
	"time"

	"cqp/internal/domain"
)

// passwordWork bounds the argon2id computations running at once. Each takes argonMemory
// (32 MiB) and a core for tens of milliseconds: a flood of logins, each hashing at once, took a
// server from 159 MB to 3.2 GB. Each Service holds its own, sized to the cores it may use.
type passwordWork struct{ slots chan struct{} }

func newPasswordWork(n int) passwordWork {
	if n < 1 {
		n = 1
	}
	return passwordWork{slots: make(chan struct{}, n)}
}

// tryStart takes a slot if one is free, without waiting: a login refused at once is better
// than a queue of logins each holding a request open.
func (p passwordWork) tryStart() bool {
	select {
	case p.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// start waits for a slot, or for ctx to end: the work of people already logged in (a new
// password, a new account) waits its turn rather than fail.
func (p passwordWork) start(ctx context.Context) error {
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// done gives the slot back.
func (p passwordWork) done() { <-p.slots }

// errPasswordWorkBusy is under the refusal of a login that found every slot taken.
var errPasswordWorkBusy = errors.New("every password hashing slot is taken")

// busyRetryAfter is how long a login refused for a busy server should wait.
const busyRetryAfter = 5 * time.Second

func busyLoginError() error {
	return &domain.Error{Code: domain.ETOOMANY, Err: errPasswordWorkBusy,
		Message: "Le serveur reçoit trop de connexions en ce moment. Réessayez dans quelques secondes."}
}

// hashPassword is HashPassword within the bound, waiting for a slot.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	if err := s.passwordWork.start(ctx); err != nil {
		return "", err
	}
	defer s.passwordWork.done()
	return HashPassword(password)
}

// verifyPassword is VerifyPassword within the bound, waiting for a slot.
func (s *Service) verifyPassword(ctx context.Context, encoded, password string) (bool, error) {
	if err := s.passwordWork.start(ctx); err != nil {
		return false, err
	}
	defer s.passwordWork.done()
	return VerifyPassword(encoded, password), nil
}
