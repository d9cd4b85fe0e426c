-- +goose Up
-- Idempotency keys of the API (issue 17): a POST sent with an Idempotency-Key header reserves
-- (user, key) before it runs, with the fingerprint of the request (method, path, SHA-256 of the
-- body); its answer is stored once it is known, so that a retry gets the same answer and writes
-- nothing twice. status is 0 while the first request runs; body is NULL when the answer was
-- too large to keep (the key then refuses duplicates without replaying). Rows live 24 hours.
CREATE TABLE idempotency_keys (
    user_id       TEXT NOT NULL,
    key           TEXT NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    body_sha256   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        INTEGER NOT NULL DEFAULT 0,
    content_type  TEXT NOT NULL DEFAULT '',
    location      TEXT NOT NULL DEFAULT '',
    body          BLOB,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_by_creation ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
