-- +goose Up
-- SQLite's migration 00047 gives its candidates search a trigram index (an FTS5 table).
-- PostgreSQL has had one since migration 00002 (pg_trgm on candidates.search_key).
-- Erased candidates (names gone, sort key '~') kept their raw number as search key, which
-- PostgreSQL's case-sensitive LIKE never matched with a folded search: the number folded as
-- domain.Fold folds it, as EraseCandidate now writes it.
UPDATE candidates SET search_key = LOWER(REPLACE(number, '-', ' ')) WHERE sort_key = '~' AND search_key = number;

-- +goose Down
SELECT 1; -- the folded numbers stay: the raw ones were a defect
