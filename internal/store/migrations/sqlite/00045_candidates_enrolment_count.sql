-- +goose Up
-- The whole candidates list's total without counting a million rows (docs/PERFORMANCE.md,
-- « The whole list at a million »): a row is a candidate with one of their enrolments, or alone
-- without one, so the list has as many rows as there are enrolments (the step counters hold
-- that sum) plus the candidates without any. Each candidate now carries their number of
-- enrolments, kept by the triggers below, and two small partial indexes find those with none
-- and those with several (whose extra rows place a page deep in the list).
ALTER TABLE candidates ADD COLUMN enrolment_count INTEGER NOT NULL DEFAULT 0;
UPDATE candidates SET enrolment_count = (SELECT COUNT(*) FROM enrolments e WHERE e.candidate_id = candidates.id);
CREATE INDEX candidates_without_enrolment ON candidates (sort_key, id) WHERE enrolment_count = 0;
CREATE INDEX candidates_with_several_enrolments ON candidates (sort_key, id, enrolment_count) WHERE enrolment_count > 1;

-- +goose StatementBegin
CREATE TRIGGER candidates_enrolment_count_insert AFTER INSERT ON enrolments
BEGIN
    UPDATE candidates SET enrolment_count = enrolment_count + 1 WHERE id = NEW.candidate_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER candidates_enrolment_count_delete AFTER DELETE ON enrolments
BEGIN
    UPDATE candidates SET enrolment_count = enrolment_count - 1 WHERE id = OLD.candidate_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER candidates_enrolment_count_move AFTER UPDATE OF candidate_id ON enrolments
WHEN OLD.candidate_id <> NEW.candidate_id
BEGIN
    UPDATE candidates SET enrolment_count = enrolment_count - 1 WHERE id = OLD.candidate_id;
    UPDATE candidates SET enrolment_count = enrolment_count + 1 WHERE id = NEW.candidate_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER candidates_enrolment_count_move;
DROP TRIGGER candidates_enrolment_count_delete;
DROP TRIGGER candidates_enrolment_count_insert;
DROP INDEX candidates_with_several_enrolments;
DROP INDEX candidates_without_enrolment;
ALTER TABLE candidates DROP COLUMN enrolment_count;
