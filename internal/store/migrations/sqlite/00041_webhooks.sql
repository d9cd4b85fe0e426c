-- +goose Up
-- Webhooks (issue 17): a user subscribes an address to the change feed (GET /api/v1/events),
-- within their own scope. Each subscription remembers the last audit entry it has queued
-- (last_event_id), each queued event is one delivery retried with backoff, and each attempt
-- is logged for the « Mon compte » page. The secret signs the deliveries (HMAC-SHA256), so it
-- is kept as is: a hash could not sign.
CREATE TABLE webhooks (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    url            TEXT NOT NULL,
    secret         TEXT NOT NULL,
    last_event_id  TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    disabled_at    TIMESTAMP
);
CREATE INDEX webhooks_by_user ON webhooks (user_id);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    webhook_id       TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id         TEXT NOT NULL,
    state            TEXT NOT NULL, -- pending, delivered, failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);

CREATE TABLE webhook_attempts (
    id           TEXT PRIMARY KEY,
    delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    webhook_id   TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    status_code  INTEGER NOT NULL, -- 0: no answer
    duration_ms  INTEGER NOT NULL,
    error        TEXT NOT NULL
);
CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts (webhook_id, at);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
