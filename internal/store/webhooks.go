package store

import (
	"context"
	"database/sql"
	"time"
)

// Webhook is a user's subscription of an address to their change feed.
type Webhook struct {
	ID          string
	UserID      string
	URL         string
	Secret      string // signs the deliveries; shown to its owner once
	LastEventID string // the last audit entry queued for it
	CreatedAt   time.Time
	DisabledAt  *time.Time
}

// WebhookDelivery is one event to send to one webhook.
type WebhookDelivery struct {
	ID            string
	WebhookID     string
	EventID       string
	State         string // "pending", "delivered" or "failed"
	Attempts      int
	NextAttemptAt time.Time
	CreatedAt     time.Time
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// WebhookAttempt is one try at a delivery, for the log shown to the webhook's owner.
type WebhookAttempt struct {
	ID         string
	DeliveryID string
	WebhookID  string
	EventID    string
	EventType  string
	At         time.Time
	StatusCode int // 0 when no answer came
	DurationMS int
	Error      string
}

const webhookColumns = `id, user_id, url, secret, last_event_id, created_at, disabled_at`

func scanWebhook(row interface{ Scan(...any) error }) (Webhook, error) {
	var w Webhook
	var disabled sql.NullTime
	err := row.Scan(&w.ID, &w.UserID, &w.URL, &w.Secret, &w.LastEventID, &w.CreatedAt, &disabled)
	if disabled.Valid {
		t := disabled.Time
		w.DisabledAt = &t
	}
	return w, normalize(err)
}

// CreateWebhook stores a new subscription.
func (q Q) CreateWebhook(ctx context.Context, w Webhook) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES ($1, $2, $3, $4, $5, $6, NULL)`,
		w.ID, w.UserID, w.URL, w.Secret, w.LastEventID, w.CreatedAt.UTC())
	return normalize(err)
}

// Webhook returns one subscription.
func (q Q) Webhook(ctx context.Context, id string) (Webhook, error) {
	return scanWebhook(q.db.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1`, id))
}

func (q Q) listWebhooks(ctx context.Context, where string, args ...any) ([]Webhook, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE `+where+` ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, normalize(rows.Err())
}

// WebhooksOfUser lists a user's subscriptions, newest first.
func (q Q) WebhooksOfUser(ctx context.Context, userID string) ([]Webhook, error) {
	return q.listWebhooks(ctx, `user_id = $1`, userID)
}

// ActiveWebhooks lists the subscriptions not disabled.
func (q Q) ActiveWebhooks(ctx context.Context) ([]Webhook, error) {
	return q.listWebhooks(ctx, `disabled_at IS NULL`)
}

// DisableWebhook stops a subscription: nothing more is queued nor sent for it.
func (q Q) DisableWebhook(ctx context.Context, id string, at time.Time) error {
	res, err := q.db.ExecContext(ctx, `UPDATE webhooks SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL`, at.UTC(), id)
	return mustAffect(res, err)
}

// DeleteWebhook removes a subscription with its deliveries and their log.
func (q Q) DeleteWebhook(ctx context.Context, id string) error {
	for _, stmt := range []string{`DELETE FROM webhook_attempts WHERE webhook_id = $1`,
		`DELETE FROM webhook_deliveries WHERE webhook_id = $1`} {
		if _, err := q.db.ExecContext(ctx, stmt, id); err != nil {
			return normalize(err)
		}
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id)
	return mustAffect(res, err)
}

// QueueWebhookDeliveries queues the deliveries and moves the webhook's mark to lastEventID,
// if the mark is still from: two servers queueing at once queue each event once.
func (q Q) QueueWebhookDeliveries(ctx context.Context, webhookID, from, lastEventID string, ds []WebhookDelivery) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE webhooks SET last_event_id = $1 WHERE id = $2 AND last_event_id = $3 AND disabled_at IS NULL`,
		lastEventID, webhookID, from)
	if err != nil {
		return false, normalize(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, normalize(err)
	}
	for _, d := range ds {
		if _, err := q.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, webhook_id, event_id, state, attempts, next_attempt_at, created_at)
			VALUES ($1, $2, $3, $4, 0, $5, $6)`, d.ID, webhookID, d.EventID, DeliveryPending, d.NextAttemptAt.UTC(), d.CreatedAt.UTC()); err != nil {
			return false, normalize(err)
		}
	}
	return true, nil
}

// DueWebhookDeliveries returns at most limit pending deliveries whose time has come, of
// webhooks still active, oldest first.
func (q Q) DueWebhookDeliveries(ctx context.Context, now time.Time, limit int) ([]WebhookDelivery, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT d.id, d.webhook_id, d.event_id, d.state, d.attempts, d.next_attempt_at, d.created_at
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.state = $1 AND d.next_attempt_at <= $2 AND w.disabled_at IS NULL
		ORDER BY d.next_attempt_at, d.event_id LIMIT $3`, DeliveryPending, now.UTC(), limit)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.EventID, &d.State, &d.Attempts, &d.NextAttemptAt, &d.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		out = append(out, d)
	}
	return out, normalize(rows.Err())
}

// ClaimWebhookDelivery pushes a due delivery's next attempt to until, if nobody has claimed it
// since it was read: the one server that succeeds sends it.
func (q Q) ClaimWebhookDelivery(ctx context.Context, d WebhookDelivery, until time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = $1
		WHERE id = $2 AND state = $3 AND attempts = $4 AND next_attempt_at = $5`, until.UTC(), d.ID, DeliveryPending, d.Attempts, d.NextAttemptAt.UTC())
	if err != nil {
		return false, normalize(err)
	}
	n, err := res.RowsAffected()
	return n == 1, normalize(err)
}

// RecordWebhookAttempt logs an attempt and sets the delivery's state and next attempt.
func (q Q) RecordWebhookAttempt(ctx context.Context, at WebhookAttempt, state string, attempts int, next time.Time) error {
	if _, err := q.db.ExecContext(ctx, `INSERT INTO webhook_attempts (id, delivery_id, webhook_id, event_id, event_type, at, status_code, duration_ms, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, at.ID, at.DeliveryID, at.WebhookID, at.EventID, at.EventType, at.At.UTC(),
		at.StatusCode, at.DurationMS, at.Error); err != nil {
		return normalize(err)
	}
	res, err := q.db.ExecContext(ctx, `UPDATE webhook_deliveries SET state = $1, attempts = $2, next_attempt_at = $3 WHERE id = $4`,
		state, attempts, next.UTC(), at.DeliveryID)
	return mustAffect(res, err)
}

// WebhookAttempts returns a webhook's last attempts, newest first.
func (q Q) WebhookAttempts(ctx context.Context, webhookID string, limit int) ([]WebhookAttempt, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, delivery_id, webhook_id, event_id, event_type, at, status_code, duration_ms, error
		FROM webhook_attempts WHERE webhook_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, webhookID, limit)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []WebhookAttempt
	for rows.Next() {
		var a WebhookAttempt
		if err := rows.Scan(&a.ID, &a.DeliveryID, &a.WebhookID, &a.EventID, &a.EventType, &a.At, &a.StatusCode, &a.DurationMS, &a.Error); err != nil {
			return nil, normalize(err)
		}
		out = append(out, a)
	}
	return out, normalize(rows.Err())
}
