package store

import (
	"context"
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
	var n int
	err := q.db.QueryRowContext(ctx, `INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, $2, 1)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN rate_counters.window_start <= $3 THEN 1 ELSE rate_counters.hits + 1 END,
			window_start = CASE WHEN rate_counters.window_start <= $3 THEN $2 ELSE rate_counters.window_start END
		RETURNING hits`, key, now.UTC(), now.Add(-window).UTC()).Scan(&n)
	return n, normalize(err)
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
