-- +goose Up
-- PostgreSQL only (enrolment_step_deltas, appended to by statement triggers on enrolments):
-- SQLite, with its single writer, keeps the statistics page's « candidates at each step now »
-- in the counters of enrolment_step_counts (migration 00031), which need nothing more.
SELECT 1;

-- +goose Down
SELECT 1;
