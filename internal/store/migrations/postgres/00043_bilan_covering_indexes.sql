-- +goose Up
-- What the bilan reads for each enrolment of the year, read from indexes alone
-- (docs/PERFORMANCE.md, « The annual bilan »): each index below replaces the one it extends.
--
-- The year's enrolments created in it, with their candidate: the enrolments' rows created in a
-- year lie all over the table, so reading each row for its candidate was half the time spent
-- choosing the year's enrolments at a million candidates.
CREATE INDEX enrolments_by_created_covering ON enrolments (created_at, candidate_id, id);
DROP INDEX enrolments_by_created;
-- Every session that judged an enrolment, with the outcome given there: one index read per
-- enrolment instead of an index read, then the row, then the session.
CREATE INDEX jury_candidates_by_enrolment_covering ON jury_candidates (enrolment_id, session_id, outcome);
DROP INDEX jury_candidates_by_enrolment;

-- +goose Down
CREATE INDEX jury_candidates_by_enrolment ON jury_candidates (enrolment_id);
DROP INDEX jury_candidates_by_enrolment_covering;
CREATE INDEX enrolments_by_created ON enrolments (created_at);
DROP INDEX enrolments_by_created_covering;
