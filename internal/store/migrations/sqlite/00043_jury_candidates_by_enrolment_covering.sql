-- +goose Up
-- The bilan reads, for each enrolment of the year, every session that judged it and the
-- outcome given there (docs/PERFORMANCE.md, « The annual bilan »): with the session and the
-- outcome in the index, that is one index read per enrolment instead of an index read, then
-- the row, then the session. The index replaces the one on enrolment_id alone, of which it is
-- a prefix.
CREATE INDEX jury_candidates_by_enrolment_covering ON jury_candidates (enrolment_id, session_id, outcome);
DROP INDEX jury_candidates_by_enrolment;

-- +goose Down
CREATE INDEX jury_candidates_by_enrolment ON jury_candidates (enrolment_id);
DROP INDEX jury_candidates_by_enrolment_covering;
