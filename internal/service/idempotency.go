package service

import (
	"context"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// Idempotency keys (issue 17): an API client that sends a POST with an Idempotency-Key header
// gets, for every retry with the same key, the answer of the first request, and the write
// happens once. The API reserves the key before it runs the request and stores the answer
// after; these methods hold the rules of that record. Keys belong to the user whose token sent
// them: two users' keys never meet.
const (
	// IdempotencyKeyLifetime is how long a key is kept: a retry after it runs as a new request.
	IdempotencyKeyLifetime = 24 * time.Hour
	// IdempotencyStaleAfter is how long a key may stay running before it is deemed interrupted
	// (the server stopped while it ran). No request runs that long: the server gives up writing
	// an answer after two minutes. An interrupted key is never released, because its write may
	// have been committed before the server stopped; it refuses retries until it is purged, and
	// the client checks the resource before sending the request again with a new key.
	IdempotencyStaleAfter = 10 * time.Minute
	// IdempotencyMaxKeptBody is the largest answer kept for replay (1 MiB). A larger answer
	// leaves its key refusing duplicates without replaying.
	IdempotencyMaxKeptBody = 1 << 20
)

// IdempotencyRequest is the fingerprint of a request sent with a key.
type IdempotencyRequest struct {
	Key        string
	Method     string
	Path       string // path and query as sent
	BodySHA256 string // hexadecimal
}

// IdempotencyOutcome says what to do with a request sent with a key.
type IdempotencyOutcome int

const (
	// IdempotencyReserved: the key is new; run the request, then FinishIdempotencyKey or
	// ReleaseIdempotencyKey.
	IdempotencyReserved IdempotencyOutcome = iota
	// IdempotencyReplay: the same request was answered; send the stored answer again.
	IdempotencyReplay
	// IdempotencyMismatch: the key was used for another request (method, path or body).
	IdempotencyMismatch
	// IdempotencyRunning: the first request with the key is still running; retry shortly.
	IdempotencyRunning
	// IdempotencyInterrupted: the first request did not finish (the server stopped); whether it
	// wrote is unknown.
	IdempotencyInterrupted
	// IdempotencyNotKept: the same request was answered, with an answer too large to keep.
	IdempotencyNotKept
)

// ReserveIdempotencyKey reserves req.Key for the actor's request, or says why the request must
// not run: its answer is to be replayed (the returned key holds it), the key served another
// request, or the first request is running or was interrupted. A key older than
// IdempotencyKeyLifetime that the hourly purge has not removed yet counts as gone.
func (s *Service) ReserveIdempotencyKey(ctx context.Context, a domain.Actor, req IdempotencyRequest) (IdempotencyOutcome, store.IdempotencyKey, error) {
	if a.UserID == "" {
		return 0, store.IdempotencyKey{}, domain.Errorf(domain.EFORBIDDEN, "Une clé d'idempotence n'a de sens que pour une requête authentifiée.")
	}
	now := s.Now()
	want := store.IdempotencyKey{UserID: a.UserID, Key: req.Key, Method: req.Method, Path: req.Path, BodySHA256: req.BodySHA256, CreatedAt: now}
	var (
		held     store.IdempotencyKey
		reserved bool
	)
	err := s.store.Write(ctx, func(q store.Q) error {
		var err error
		held, reserved, err = q.ReserveIdempotencyKey(ctx, want)
		if err != nil || reserved || held.CreatedAt.After(now.Add(-IdempotencyKeyLifetime)) {
			return err
		}
		// Expired but not purged yet: it is gone.
		if _, err := q.PurgeIdempotencyKeys(ctx, now.Add(-IdempotencyKeyLifetime)); err != nil {
			return err
		}
		held, reserved, err = q.ReserveIdempotencyKey(ctx, want)
		return err
	})
	switch {
	case err != nil:
		return 0, store.IdempotencyKey{}, err
	case reserved:
		return IdempotencyReserved, held, nil
	case held.Method != req.Method || held.Path != req.Path || held.BodySHA256 != req.BodySHA256:
		return IdempotencyMismatch, held, nil
	case held.Running() && now.Sub(held.CreatedAt) >= IdempotencyStaleAfter:
		return IdempotencyInterrupted, held, nil
	case held.Running():
		return IdempotencyRunning, held, nil
	case !held.Kept:
		return IdempotencyNotKept, held, nil
	}
	return IdempotencyReplay, held, nil
}

// FinishIdempotencyKey stores the answer of the request that reserved the key. An answer the
// caller could not keep whole (answer.Kept false) or larger than IdempotencyMaxKeptBody is not
// kept: the key then refuses duplicates without replaying.
func (s *Service) FinishIdempotencyKey(ctx context.Context, a domain.Actor, key string, answer store.IdempotencyKey) error {
	answer.UserID, answer.Key = a.UserID, key
	answer.Kept = answer.Kept && len(answer.Body) <= IdempotencyMaxKeptBody
	if !answer.Kept {
		answer.Body = nil
	}
	return s.store.Write(ctx, func(q store.Q) error { return q.FinishIdempotencyKey(ctx, answer, s.Now()) })
}

// ReleaseIdempotencyKey forgets the key of a request that wrote nothing (its answer was a
// server error), so that a retry with the same key runs again.
func (s *Service) ReleaseIdempotencyKey(ctx context.Context, a domain.Actor, key string) error {
	return s.store.Write(ctx, func(q store.Q) error { return q.ReleaseIdempotencyKey(ctx, a.UserID, key) })
}

// PurgeIdempotencyKeys removes the keys older than IdempotencyKeyLifetime; the server runs it
// every hour.
func (s *Service) PurgeIdempotencyKeys(ctx context.Context) (int, error) {
	var n int
	err := s.store.Write(ctx, func(q store.Q) error {
		var err error
		n, err = q.PurgeIdempotencyKeys(ctx, s.Now().Add(-IdempotencyKeyLifetime))
		return err
	})
	return n, err
}
