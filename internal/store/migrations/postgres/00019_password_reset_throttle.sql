-- +goose Up
-- Password-reset requests counted per address and per account (issue 14, item 3): one row per
-- key and fixed window, incremented by a single upsert so that parallel requests, on one server
-- or several, can never count past the limit.
CREATE TABLE reset_request_counts (
    key           TEXT PRIMARY KEY, -- "reset-ip:<address>" or "reset-account:<email>"
    window_start  TIMESTAMP NOT NULL,
    hits          INTEGER NOT NULL
);
CREATE INDEX reset_request_counts_by_window ON reset_request_counts (window_start);

-- +goose Down
DROP TABLE reset_request_counts;
