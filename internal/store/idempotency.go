package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"cqp/internal/domain"
)

// IdempotencyKey is one Idempotency-Key an API user sent with a POST: the request it was first
// used for and, once that request has been answered, the answer. Status is 0 while the first
// request runs. Kept says whether Body holds the answer; an answer too large to keep leaves the
// key refusing duplicates without replaying.
type IdempotencyKey struct {
	UserID     string
	Key        string
	Method     string
	Path       string
	BodySHA256 string
	CreatedAt  time.Time
	FinishedAt *time.Time

	Status      int
	ContentType string
	Location    string
	Body        []byte
	Kept        bool
}

// Running reports whether the first request with the key has not been answered yet.
func (k IdempotencyKey) Running() bool { return k.Status == 0 }

// ReserveIdempotencyKey records k as running, unless (k.UserID, k.Key) is already taken: then
// it returns the row that holds it and false. The insert is one statement with ON CONFLICT DO
// NOTHING, so of two requests racing with the same key on any number of servers exactly one
// reserves it.
func (q Q) ReserveIdempotencyKey(ctx context.Context, k IdempotencyKey) (IdempotencyKey, bool, error) {
	for range 3 {
		res, err := q.db.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, method, path, body_sha256, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, key) DO NOTHING`,
			k.UserID, k.Key, k.Method, k.Path, k.BodySHA256, k.CreatedAt.UTC())
		if err != nil {
			return IdempotencyKey{}, false, normalize(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return IdempotencyKey{}, false, normalize(err)
		} else if n == 1 {
			k.CreatedAt, k.Status, k.FinishedAt = k.CreatedAt.UTC(), 0, nil
			return k, true, nil
		}
		held, err := q.IdempotencyKey(ctx, k.UserID, k.Key)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			continue // released between the two statements: try again
		}
		return held, false, err
	}
	return IdempotencyKey{}, false, unavailable(errors.New("idempotency key released and taken again three times"))
}

// IdempotencyKey reads the user's key.
func (q Q) IdempotencyKey(ctx context.Context, userID, key string) (IdempotencyKey, error) {
	var (
		k        IdempotencyKey
		finished sql.NullTime
		kept     bool
	)
	err := q.db.QueryRowContext(ctx, `SELECT user_id, key, method, path, body_sha256, created_at, finished_at,
			status, content_type, location, body, body IS NOT NULL
		FROM idempotency_keys WHERE user_id = $1 AND key = $2`, userID, key).Scan(
		&k.UserID, &k.Key, &k.Method, &k.Path, &k.BodySHA256, &k.CreatedAt, &finished,
		&k.Status, &k.ContentType, &k.Location, &k.Body, &kept)
	if err != nil {
		return IdempotencyKey{}, normalize(err)
	}
	k.CreatedAt = k.CreatedAt.UTC()
	if finished.Valid {
		at := finished.Time.UTC()
		k.FinishedAt = &at
	}
	k.Kept = kept
	if kept && k.Body == nil {
		k.Body = []byte{}
	}
	return k, nil
}

// FinishIdempotencyKey stores the answer of the request that reserved the key: status,
// content type, location and, when kept, body (nil: too large to keep).
func (q Q) FinishIdempotencyKey(ctx context.Context, k IdempotencyKey, at time.Time) error {
	var body any
	if k.Kept {
		b := k.Body
		if b == nil {
			b = []byte{}
		}
		body = b
	}
	res, err := q.db.ExecContext(ctx, `UPDATE idempotency_keys SET finished_at = $3, status = $4, content_type = $5,
			location = $6, body = $7
		WHERE user_id = $1 AND key = $2 AND status = 0`,
		k.UserID, k.Key, at.UTC(), k.Status, k.ContentType, k.Location, body)
	if err != nil {
		return normalize(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return normalize(err)
	} else if n != 1 {
		return domain.Errorf(domain.ENOTFOUND, "Clé d'idempotence introuvable ou déjà terminée.")
	}
	return nil
}

// ReleaseIdempotencyKey forgets a key whose request is still running: its request wrote
// nothing (a 5xx), so that a retry with the same key runs again.
func (q Q) ReleaseIdempotencyKey(ctx context.Context, userID, key string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 0`, userID, key)
	return normalize(err)
}

// PurgeIdempotencyKeys deletes the keys created before before, running or not, and returns
// how many.
func (q Q) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before.UTC())
	if err != nil {
		return 0, normalize(err)
	}
	n, err := res.RowsAffected()
	return int(n), normalize(err)
}
