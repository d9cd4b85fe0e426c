-- +goose Up
-- « Candidates at each step now » on the statistics page without counting every enrolment
-- (docs/PERFORMANCE.md, issue 12). SQLite keeps counters by triggers (enrolment_step_counts,
-- migration 00031) because it has a single writer; here concurrent writers updating shared
-- counter rows would queue on them and could deadlock. So each statement on enrolments
-- appends its changes instead: a row per qualification × OF × route × status it moved, with
-- the number of enrolments it added (+) or took away (−) there. No writer ever updates or
-- deletes a row, so no writer waits on another; no unique index either, for the same reason.
-- The page adds the rows up; store.FoldStepCounts replaces them by one row per key, hourly
-- and after a bulk load, under an advisory lock.
CREATE TABLE enrolment_step_deltas (
    qualification_id          TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL, -- '' for enrolments without one
    route                     TEXT NOT NULL,
    status                    TEXT NOT NULL,
    enrolments                INTEGER NOT NULL
);

INSERT INTO enrolment_step_deltas (qualification_id, training_organisation_id, route, status, enrolments)
SELECT qualification_id, COALESCE(training_organisation_id, ''), route, status, COUNT(*)
FROM enrolments GROUP BY qualification_id, COALESCE(training_organisation_id, ''), route, status;

-- One function for the three triggers: a statement's rows come in its transition tables
-- (PostgreSQL forbids a column list on an UPDATE trigger that has them, so every UPDATE of
-- enrolments runs it; one that moves no enrolment between keys appends nothing).
-- +goose StatementBegin
CREATE FUNCTION enrolment_step_deltas_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO enrolment_step_deltas (qualification_id, training_organisation_id, route, status, enrolments)
        SELECT qualification_id, COALESCE(training_organisation_id, ''), route, status, COUNT(*)
        FROM new_enrolments GROUP BY qualification_id, COALESCE(training_organisation_id, ''), route, status;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO enrolment_step_deltas (qualification_id, training_organisation_id, route, status, enrolments)
        SELECT qualification_id, organisation, route, status, SUM(n)
        FROM (SELECT qualification_id, COALESCE(training_organisation_id, '') AS organisation, route, status, -1 AS n FROM old_enrolments
              UNION ALL
              SELECT qualification_id, COALESCE(training_organisation_id, ''), route, status, 1 FROM new_enrolments) moved
        GROUP BY qualification_id, organisation, route, status
        HAVING SUM(n) <> 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO enrolment_step_deltas (qualification_id, training_organisation_id, route, status, enrolments)
        SELECT qualification_id, COALESCE(training_organisation_id, ''), route, status, -COUNT(*)
        FROM old_enrolments GROUP BY qualification_id, COALESCE(training_organisation_id, ''), route, status;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER enrolment_step_deltas_insert AFTER INSERT ON enrolments
    REFERENCING NEW TABLE AS new_enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION enrolment_step_deltas_append();
CREATE TRIGGER enrolment_step_deltas_update AFTER UPDATE ON enrolments
    REFERENCING OLD TABLE AS old_enrolments NEW TABLE AS new_enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION enrolment_step_deltas_append();
CREATE TRIGGER enrolment_step_deltas_delete AFTER DELETE ON enrolments
    REFERENCING OLD TABLE AS old_enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION enrolment_step_deltas_append();

-- +goose Down
DROP TRIGGER enrolment_step_deltas_delete ON enrolments;
DROP TRIGGER enrolment_step_deltas_update ON enrolments;
DROP TRIGGER enrolment_step_deltas_insert ON enrolments;
DROP FUNCTION enrolment_step_deltas_append();
DROP TABLE enrolment_step_deltas;
