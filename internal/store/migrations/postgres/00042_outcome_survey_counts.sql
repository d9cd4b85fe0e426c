-- +goose Up
-- The follow-up surveys on the statistics page without reading every survey (issue 12,
-- docs/PERFORMANCE.md): a million candidates leave over a million surveys, which the page's
-- GROUP BY joined to their sessions and enrolments on each view. As for the steps (migration
-- 00037), each statement on outcome_surveys appends what it changed, per year of the judging
-- session (in Paris) × qualification × route × training organisation × wave × situation ×
-- whether the CQP helped: + for the surveys it added there, − for those it took away. No
-- writer updates a shared row, so none waits on another; the page adds the rows up and
-- store.FoldCounts replaces them by one row per key, hourly. An unanswered survey counts under
-- situation '' and helped ''.
CREATE TABLE outcome_survey_deltas (
    year                      INTEGER NOT NULL, -- the judging session's start, in Paris
    qualification_id          TEXT NOT NULL,
    route                     TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL,    -- '' for enrolments without one
    wave                      INTEGER NOT NULL,
    situation                 TEXT NOT NULL,
    helped                    TEXT NOT NULL,
    surveys                   INTEGER NOT NULL
);
CREATE INDEX outcome_survey_deltas_by_year ON outcome_survey_deltas (year);

INSERT INTO outcome_survey_deltas (year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
SELECT CAST(EXTRACT(YEAR FROM s.starts_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS INTEGER), e.qualification_id, e.route,
    COALESCE(e.training_organisation_id, ''), o.wave, o.situation, o.helped, COUNT(*)
FROM outcome_surveys o
JOIN jury_sessions s ON s.id = o.session_id
JOIN enrolments e ON e.id = o.enrolment_id
GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- +goose StatementBegin
CREATE FUNCTION outcome_survey_deltas_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO outcome_survey_deltas (year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
        SELECT CAST(EXTRACT(YEAR FROM s.starts_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS INTEGER), e.qualification_id, e.route,
            COALESCE(e.training_organisation_id, ''), n.wave, n.situation, n.helped, COUNT(*)
        FROM new_surveys n JOIN jury_sessions s ON s.id = n.session_id JOIN enrolments e ON e.id = n.enrolment_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO outcome_survey_deltas (year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
        SELECT CAST(EXTRACT(YEAR FROM s.starts_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS INTEGER), e.qualification_id, e.route,
            COALESCE(e.training_organisation_id, ''), m.wave, m.situation, m.helped, SUM(m.n)
        FROM (SELECT session_id, enrolment_id, wave, situation, helped, -1 AS n FROM old_surveys
              UNION ALL
              SELECT session_id, enrolment_id, wave, situation, helped, 1 FROM new_surveys) m
        JOIN jury_sessions s ON s.id = m.session_id JOIN enrolments e ON e.id = m.enrolment_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING SUM(m.n) <> 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO outcome_survey_deltas (year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
        SELECT CAST(EXTRACT(YEAR FROM s.starts_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS INTEGER), e.qualification_id, e.route,
            COALESCE(e.training_organisation_id, ''), d.wave, d.situation, d.helped, -COUNT(*)
        FROM old_surveys d JOIN jury_sessions s ON s.id = d.session_id JOIN enrolments e ON e.id = d.enrolment_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER outcome_survey_deltas_insert AFTER INSERT ON outcome_surveys
    REFERENCING NEW TABLE AS new_surveys
    FOR EACH STATEMENT EXECUTE FUNCTION outcome_survey_deltas_append();
CREATE TRIGGER outcome_survey_deltas_update AFTER UPDATE ON outcome_surveys
    REFERENCING OLD TABLE AS old_surveys NEW TABLE AS new_surveys
    FOR EACH STATEMENT EXECUTE FUNCTION outcome_survey_deltas_append();
CREATE TRIGGER outcome_survey_deltas_delete AFTER DELETE ON outcome_surveys
    REFERENCING OLD TABLE AS old_surveys
    FOR EACH STATEMENT EXECUTE FUNCTION outcome_survey_deltas_append();

-- +goose Down
DROP TRIGGER outcome_survey_deltas_delete ON outcome_surveys;
DROP TRIGGER outcome_survey_deltas_update ON outcome_surveys;
DROP TRIGGER outcome_survey_deltas_insert ON outcome_surveys;
DROP FUNCTION outcome_survey_deltas_append();
DROP TABLE outcome_survey_deltas;
