-- +goose Up
-- SQLite's migration 00049 puts the enrolment count in its index of candidates by id, for the
-- total of a search. PostgreSQL reads a search's matches from their rows (pg_trgm's bitmap
-- scan), where the count already is; an index holding it would only cost each enrolment's
-- write an index update.
SELECT 1;

-- +goose Down
SELECT 1;
