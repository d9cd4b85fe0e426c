-- +goose Up
-- The statistics page's results, counted once per closed jury session (docs/PERFORMANCE.md):
-- a closed session never changes, so its outcomes per qualification × route × training
-- organisation are written when it closes, in the closing transaction, with the days from
-- enrolment to the session's closing (sum, shortest, longest). A closed rectification deletes
-- the rows of the session it corrects. Each year's rows are then added up into
-- closed_results_by_year, which the page reads instead of every judged enrolment.
CREATE TABLE closed_session_results (
    session_id                TEXT NOT NULL REFERENCES jury_sessions(id),
    starts_at                 TIMESTAMP NOT NULL, -- the session's, for the filter by year
    year                      INTEGER NOT NULL,   -- the year of starts_at in Paris
    qualification_id          TEXT NOT NULL,
    route                     TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL,      -- '' for enrolments without one
    outcome                   TEXT NOT NULL,      -- certified, partial, not_certified
    enrolments                INTEGER NOT NULL,
    days_sum                  REAL NOT NULL,
    days_min                  REAL NOT NULL,
    days_max                  REAL NOT NULL,
    PRIMARY KEY (session_id, qualification_id, route, training_organisation_id, outcome)
);
CREATE INDEX closed_session_results_by_year ON closed_session_results (year);

CREATE TABLE closed_results_by_year (
    year                      INTEGER NOT NULL,
    qualification_id          TEXT NOT NULL,
    route                     TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL,
    outcome                   TEXT NOT NULL,
    enrolments                INTEGER NOT NULL,
    days_sum                  REAL NOT NULL,
    days_min                  REAL NOT NULL,
    days_max                  REAL NOT NULL,
    PRIMARY KEY (year, qualification_id, route, training_organisation_id, outcome)
);

-- The sessions closed before this table existed. The year in Paris is the UTC year one hour
-- later: Paris is at UTC+1 (winter time) at every new year.
INSERT INTO closed_session_results (session_id, starts_at, year, qualification_id, route, training_organisation_id,
    outcome, enrolments, days_sum, days_min, days_max)
SELECT s.id, s.starts_at, CAST(strftime('%Y', s.starts_at, '+1 hour') AS INTEGER), e.qualification_id, e.route,
    COALESCE(e.training_organisation_id, ''), jc.outcome, COUNT(*),
    SUM(julianday(COALESCE(s.closed_at, s.starts_at)) - julianday(e.created_at)),
    MIN(julianday(COALESCE(s.closed_at, s.starts_at)) - julianday(e.created_at)),
    MAX(julianday(COALESCE(s.closed_at, s.starts_at)) - julianday(e.created_at))
FROM jury_candidates jc
JOIN jury_sessions s ON s.id = jc.session_id
JOIN enrolments e ON e.id = jc.enrolment_id
WHERE s.status = 'closed' AND jc.outcome <> ''
  AND NOT EXISTS (SELECT 1 FROM jury_sessions r WHERE r.rectifies_session_id = s.id AND r.status = 'closed')
GROUP BY s.id, s.starts_at, e.qualification_id, e.route, COALESCE(e.training_organisation_id, ''), jc.outcome;

INSERT INTO closed_results_by_year (year, qualification_id, route, training_organisation_id, outcome, enrolments,
    days_sum, days_min, days_max)
SELECT year, qualification_id, route, training_organisation_id, outcome, SUM(enrolments), SUM(days_sum), MIN(days_min), MAX(days_max)
FROM closed_session_results
GROUP BY year, qualification_id, route, training_organisation_id, outcome;

-- « Candidates at each step now »: the enrolments per qualification × organisation × route ×
-- status, kept by triggers as enrolments are written. SQLite has one writer, so the counters
-- never wait on each other; counting a million enrolments from an index took 150 ms a page.
CREATE TABLE enrolment_step_counts (
    qualification_id          TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL, -- '' for enrolments without one
    route                     TEXT NOT NULL,
    status                    TEXT NOT NULL,
    enrolments                INTEGER NOT NULL,
    PRIMARY KEY (qualification_id, training_organisation_id, route, status)
);
INSERT INTO enrolment_step_counts (qualification_id, training_organisation_id, route, status, enrolments)
SELECT qualification_id, COALESCE(training_organisation_id, ''), route, status, COUNT(*)
FROM enrolments GROUP BY qualification_id, COALESCE(training_organisation_id, ''), route, status;

-- +goose StatementBegin
CREATE TRIGGER enrolment_step_counts_insert AFTER INSERT ON enrolments BEGIN
    INSERT INTO enrolment_step_counts (qualification_id, training_organisation_id, route, status, enrolments)
    VALUES (NEW.qualification_id, COALESCE(NEW.training_organisation_id, ''), NEW.route, NEW.status, 1)
    ON CONFLICT (qualification_id, training_organisation_id, route, status) DO UPDATE SET enrolments = enrolments + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER enrolment_step_counts_update AFTER UPDATE OF qualification_id, training_organisation_id, route, status ON enrolments BEGIN
    UPDATE enrolment_step_counts SET enrolments = enrolments - 1
    WHERE qualification_id = OLD.qualification_id AND training_organisation_id = COALESCE(OLD.training_organisation_id, '')
      AND route = OLD.route AND status = OLD.status;
    INSERT INTO enrolment_step_counts (qualification_id, training_organisation_id, route, status, enrolments)
    VALUES (NEW.qualification_id, COALESCE(NEW.training_organisation_id, ''), NEW.route, NEW.status, 1)
    ON CONFLICT (qualification_id, training_organisation_id, route, status) DO UPDATE SET enrolments = enrolments + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER enrolment_step_counts_delete AFTER DELETE ON enrolments BEGIN
    UPDATE enrolment_step_counts SET enrolments = enrolments - 1
    WHERE qualification_id = OLD.qualification_id AND training_organisation_id = COALESCE(OLD.training_organisation_id, '')
      AND route = OLD.route AND status = OLD.status;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER enrolment_step_counts_delete;
DROP TRIGGER enrolment_step_counts_update;
DROP TRIGGER enrolment_step_counts_insert;
DROP TABLE enrolment_step_counts;
DROP TABLE closed_results_by_year;
DROP TABLE closed_session_results;
