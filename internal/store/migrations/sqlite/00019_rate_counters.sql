-- +goose Up
-- Throttle counters (issue 14): one row per key ("account:<email>", "ip:<address>",
-- "verify:<address>"…), counted in a window that starts at the key's first hit. A hit is one
-- INSERT … ON CONFLICT DO UPDATE … RETURNING, so parallel requests on one or several servers
-- cannot all read the same count before any of them records theirs.
CREATE TABLE rate_counters (
    key           TEXT PRIMARY KEY,
    window_start  TIMESTAMP NOT NULL,
    hits          INTEGER NOT NULL
);
CREATE INDEX rate_counters_by_start ON rate_counters (window_start);

-- The rows the counters replace: one per failed login or public hit, counted then inserted.
DROP TABLE login_failures;

-- +goose Down
CREATE TABLE login_failures (
    id      TEXT PRIMARY KEY,
    key     TEXT NOT NULL,
    at      TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
DROP TABLE rate_counters;
