-- +goose Up
-- The whole candidates list's total without counting a million rows (docs/PERFORMANCE.md,
-- « The whole list at a million »): a row is a candidate with one of their enrolments, or alone
-- without one, so the list has as many rows as there are enrolments (the step counters hold
-- that sum) plus the candidates without any. Each candidate now carries their number of
-- enrolments, kept by the triggers below, and two small partial indexes find those with none
-- and those with several (whose extra rows place a page deep in the list).
--
-- The triggers run once per statement on its transition tables, so that a bulk load of
-- enrolments updates each candidate once. Only the candidates of the enrolments written are
-- updated: writers on different candidates never wait on each other.
ALTER TABLE candidates ADD COLUMN enrolment_count INTEGER NOT NULL DEFAULT 0;
UPDATE candidates c SET enrolment_count = n.enrolments
FROM (SELECT candidate_id, COUNT(*) AS enrolments FROM enrolments GROUP BY candidate_id) n
WHERE n.candidate_id = c.id;
CREATE INDEX candidates_without_enrolment ON candidates (sort_key, id) WHERE enrolment_count = 0;
CREATE INDEX candidates_with_several_enrolments ON candidates (sort_key, id, enrolment_count) WHERE enrolment_count > 1;

-- +goose StatementBegin
CREATE FUNCTION candidates_enrolment_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE candidates c SET enrolment_count = c.enrolment_count + d.n
        FROM (SELECT candidate_id, COUNT(*) AS n FROM new_enrolments GROUP BY candidate_id) d
        WHERE c.id = d.candidate_id;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE candidates c SET enrolment_count = c.enrolment_count + d.n
        FROM (SELECT candidate_id, SUM(n) AS n
              FROM (SELECT candidate_id, -1 AS n FROM old_enrolments
                    UNION ALL
                    SELECT candidate_id, 1 FROM new_enrolments) moved
              GROUP BY candidate_id HAVING SUM(n) <> 0) d
        WHERE c.id = d.candidate_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE candidates c SET enrolment_count = c.enrolment_count - d.n
        FROM (SELECT candidate_id, COUNT(*) AS n FROM old_enrolments GROUP BY candidate_id) d
        WHERE c.id = d.candidate_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER candidates_enrolment_count_insert AFTER INSERT ON enrolments
    REFERENCING NEW TABLE AS new_enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION candidates_enrolment_count_apply();
CREATE TRIGGER candidates_enrolment_count_update AFTER UPDATE ON enrolments
    REFERENCING OLD TABLE AS old_enrolments NEW TABLE AS new_enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION candidates_enrolment_count_apply();
CREATE TRIGGER candidates_enrolment_count_delete AFTER DELETE ON enrolments
    REFERENCING OLD TABLE AS old_enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION candidates_enrolment_count_apply();

-- +goose Down
DROP TRIGGER candidates_enrolment_count_delete ON enrolments;
DROP TRIGGER candidates_enrolment_count_update ON enrolments;
DROP TRIGGER candidates_enrolment_count_insert ON enrolments;
DROP FUNCTION candidates_enrolment_count_apply();
DROP INDEX candidates_with_several_enrolments;
DROP INDEX candidates_without_enrolment;
ALTER TABLE candidates DROP COLUMN enrolment_count;
