-- +goose Up
-- A page of the candidates list joins each candidate to their enrolments and orders them by
-- creation: with the creation and the id in the index, that join reads no enrolment row
-- (docs/PERFORMANCE.md, « At a million candidates, against the bare SQL »: the 8 771
-- candidates a search of « lefevre » matches at a million were 8 771 lookups in the table).
-- It replaces the index it extends.
CREATE INDEX enrolments_by_candidate_covering ON enrolments (candidate_id, created_at, id);
DROP INDEX enrolments_by_candidate;
-- SQLite, without statistics on candidates_by_id_with_sort_key (migration 00046), preferred the
-- primary key's index and read each candidate's row for its sort key; one line of statistics
-- on that index alone (a scan of it, 0,05 s at a million) lets it read the sort key from the
-- index. It adds nothing to the statistics of other indexes.
ANALYZE candidates_by_id_with_sort_key;

-- +goose Down
CREATE INDEX enrolments_by_candidate ON enrolments (candidate_id);
DROP INDEX enrolments_by_candidate_covering;
