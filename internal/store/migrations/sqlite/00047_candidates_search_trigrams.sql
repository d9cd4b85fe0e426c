-- +goose Up
-- The candidates search at a million candidates (docs/PERFORMANCE.md, « A search by name at a
-- million »): a term matches anywhere in the folded names, number and birth date
-- (candidates.search_key), which SQLite could only check candidate by candidate, 160 ms for
-- every search of a million. An FTS5 table of the same keys, cut into trigrams, finds the
-- candidates holding a term of three characters or more from its index (LIKE '%term%' on it);
-- PostgreSQL has had its trigram index since migration 00002.
--
-- The table keeps its own copy of each key with the candidate's id, not the candidates'
-- rowids: VACUUM INTO (cqp backup) may renumber those. The triggers keep it equal to
-- candidates.search_key; an old key is found for deletion through the same index (LIKE with
-- the old key itself as pattern, then the id).
-- Erased candidates (names gone, sort key '~') kept their raw number as search key, which
-- PostgreSQL's case-sensitive LIKE never matched with a folded search: the number folded as
-- domain.Fold folds it, as EraseCandidate now writes it.
UPDATE candidates SET search_key = LOWER(REPLACE(number, '-', ' ')) WHERE sort_key = '~' AND search_key = number;
CREATE VIRTUAL TABLE candidates_search USING fts5(search_key, candidate_id UNINDEXED, tokenize = 'trigram');
INSERT INTO candidates_search (search_key, candidate_id) SELECT search_key, id FROM candidates;

-- +goose StatementBegin
CREATE TRIGGER candidates_search_insert AFTER INSERT ON candidates
BEGIN
    INSERT INTO candidates_search (search_key, candidate_id) VALUES (NEW.search_key, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER candidates_search_update AFTER UPDATE OF search_key, id ON candidates
WHEN OLD.search_key IS NOT NEW.search_key OR OLD.id IS NOT NEW.id
BEGIN
    DELETE FROM candidates_search WHERE rowid IN
        (SELECT rowid FROM candidates_search WHERE search_key LIKE OLD.search_key AND candidate_id = OLD.id);
    INSERT INTO candidates_search (search_key, candidate_id) VALUES (NEW.search_key, NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER candidates_search_delete AFTER DELETE ON candidates
BEGIN
    DELETE FROM candidates_search WHERE rowid IN
        (SELECT rowid FROM candidates_search WHERE search_key LIKE OLD.search_key AND candidate_id = OLD.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER candidates_search_delete;
DROP TRIGGER candidates_search_update;
DROP TRIGGER candidates_search_insert;
DROP TABLE candidates_search;
