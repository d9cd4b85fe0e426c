-- +goose Up
-- The follow-up surveys on the statistics page without reading every survey (issue 12,
-- docs/PERFORMANCE.md): a million candidates leave over a million surveys, which the page's
-- GROUP BY joined to their sessions and enrolments on each view. Triggers keep one counter per
-- year of the judging session (in Paris) × qualification × route × training organisation ×
-- wave × situation × whether the CQP helped, as surveys are written; the page adds a few
-- hundred of them. An unanswered survey counts under situation '' and helped ''.
CREATE TABLE outcome_survey_counts (
    year                      INTEGER NOT NULL, -- the judging session's start, in Paris
    qualification_id          TEXT NOT NULL,
    route                     TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL,    -- '' for enrolments without one
    wave                      INTEGER NOT NULL,
    situation                 TEXT NOT NULL,
    helped                    TEXT NOT NULL,
    surveys                   INTEGER NOT NULL,
    PRIMARY KEY (year, qualification_id, route, training_organisation_id, wave, situation, helped)
);

-- The surveys sent before this table existed. The year in Paris is the UTC year one hour
-- later: Paris is at UTC+1 (winter time) at every new year.
INSERT INTO outcome_survey_counts (year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
SELECT CAST(strftime('%Y', s.starts_at, '+1 hour') AS INTEGER), e.qualification_id, e.route,
    COALESCE(e.training_organisation_id, ''), o.wave, o.situation, o.helped, COUNT(*)
FROM outcome_surveys o
JOIN jury_sessions s ON s.id = o.session_id
JOIN enrolments e ON e.id = o.enrolment_id
GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- +goose StatementBegin
CREATE TRIGGER outcome_survey_counts_insert AFTER INSERT ON outcome_surveys BEGIN
    INSERT INTO outcome_survey_counts (year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
    SELECT CAST(strftime('%Y', s.starts_at, '+1 hour') AS INTEGER), e.qualification_id, e.route,
        COALESCE(e.training_organisation_id, ''), NEW.wave, NEW.situation, NEW.helped, 1
    FROM jury_sessions s, enrolments e
    WHERE s.id = NEW.session_id AND e.id = NEW.enrolment_id
    ON CONFLICT (year, qualification_id, route, training_organisation_id, wave, situation, helped) DO UPDATE SET surveys = surveys + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER outcome_survey_counts_update AFTER UPDATE OF enrolment_id, session_id, wave, situation, helped ON outcome_surveys
WHEN OLD.enrolment_id IS NOT NEW.enrolment_id OR OLD.session_id IS NOT NEW.session_id OR OLD.wave IS NOT NEW.wave
    OR OLD.situation IS NOT NEW.situation OR OLD.helped IS NOT NEW.helped BEGIN
    UPDATE outcome_survey_counts SET surveys = surveys - 1
    WHERE (year, qualification_id, route, training_organisation_id) =
          (SELECT CAST(strftime('%Y', s.starts_at, '+1 hour') AS INTEGER), e.qualification_id, e.route, COALESCE(e.training_organisation_id, '')
           FROM jury_sessions s, enrolments e WHERE s.id = OLD.session_id AND e.id = OLD.enrolment_id)
      AND wave = OLD.wave AND situation = OLD.situation AND helped = OLD.helped;
    INSERT INTO outcome_survey_counts (year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
    SELECT CAST(strftime('%Y', s.starts_at, '+1 hour') AS INTEGER), e.qualification_id, e.route,
        COALESCE(e.training_organisation_id, ''), NEW.wave, NEW.situation, NEW.helped, 1
    FROM jury_sessions s, enrolments e
    WHERE s.id = NEW.session_id AND e.id = NEW.enrolment_id
    ON CONFLICT (year, qualification_id, route, training_organisation_id, wave, situation, helped) DO UPDATE SET surveys = surveys + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER outcome_survey_counts_delete AFTER DELETE ON outcome_surveys BEGIN
    UPDATE outcome_survey_counts SET surveys = surveys - 1
    WHERE (year, qualification_id, route, training_organisation_id) =
          (SELECT CAST(strftime('%Y', s.starts_at, '+1 hour') AS INTEGER), e.qualification_id, e.route, COALESCE(e.training_organisation_id, '')
           FROM jury_sessions s, enrolments e WHERE s.id = OLD.session_id AND e.id = OLD.enrolment_id)
      AND wave = OLD.wave AND situation = OLD.situation AND helped = OLD.helped;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER outcome_survey_counts_delete;
DROP TRIGGER outcome_survey_counts_update;
DROP TRIGGER outcome_survey_counts_insert;
DROP TABLE outcome_survey_counts;
