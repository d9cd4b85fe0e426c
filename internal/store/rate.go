package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Keys of the throttle counters, each kind under its own prefix.
const (
	HitLoginAccount     = "account:"       // login attempts on an account (by e-mail)
	HitLoginAddress     = "ip:"            // login attempts from an address
	HitVerification     = "verify:"        // public certificate verifications
	HitOnlineVAERequest = "vae-request:"   // VAE requests from the public page
	HitResetAccount     = "reset-account:" // password-reset requests for an account (by e-mail)
	HitResetAddress     = "reset-ip:"      // password-reset requests from an address
)

// Hit counts one hit on key and returns the key's hits in the current window, this one
// included. The window opens at the first hit and lasts window; a hit after it opens a new one.
// Checking and counting are one statement, so parallel hits on any number of servers each see
// a different count and the limit a caller compares it with cannot be overshot.
func (q Q) Hit(ctx context.Context, key string, now time.Time, window time.Duration) (int, error) {
	n, _, err := q.AddHits(ctx, key, 1, now, window)
	return n, err
}

// AddHits counts n hits on key at once, as n calls of Hit at now would, and returns the key's
// hits in its current window and when that window opened. A server that counts hits in memory
// (public verification) hands them over this way, one statement per key and batch.
func (q Q) AddHits(ctx context.Context, key string, n int, now time.Time, window time.Duration) (int, time.Time, error) {
	var (
		hits  int
		start time.Time
	)
	err := q.db.QueryRowContext(ctx, `INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, $2, $4)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN rate_counters.window_start <= $3 THEN $4 ELSE rate_counters.hits + $4 END,
			window_start = CASE WHEN rate_counters.window_start <= $3 THEN $2 ELSE rate_counters.window_start END
		RETURNING hits, window_start`, key, now.UTC(), now.Add(-window).UTC(), n).Scan(&hits, &start)
	return hits, start.UTC(), normalize(err)
}

// Hits reads key's hits in the window open at now, without counting one, and when that window
// opened: 0 and now when no window is open.
func (q Q) Hits(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	var (
		hits  int
		start time.Time
	)
	err := q.db.QueryRowContext(ctx, `SELECT hits, window_start FROM rate_counters WHERE key = $1 AND window_start > $2`,
		key, now.Add(-window).UTC()).Scan(&hits, &start)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, now.UTC(), nil
	}
	return hits, start.UTC(), normalize(err)
}

// Unhit takes back one hit on key: a login that succeeded gives back the attempt it counted on
// its address, so that many people behind one address can still log in.
func (q Q) Unhit(ctx context.Context, key string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE rate_counters SET hits = hits - 1 WHERE key = $1 AND hits > 0`, key)
	return normalize(err)
}

// ForgetHits clears key (a successful login clears its account's count) and every counter
// whose window opened before olderThan.
func (q Q) ForgetHits(ctx context.Context, key string, olderThan time.Time) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM rate_counters WHERE key = $1 OR window_start < $2`, key, olderThan.UTC())
	return normalize(err)
}
