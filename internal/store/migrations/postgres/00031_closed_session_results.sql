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
    days_sum                  DOUBLE PRECISION NOT NULL,
    days_min                  DOUBLE PRECISION NOT NULL,
    days_max                  DOUBLE PRECISION NOT NULL,
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
    days_sum                  DOUBLE PRECISION NOT NULL,
    days_min                  DOUBLE PRECISION NOT NULL,
    days_max                  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (year, qualification_id, route, training_organisation_id, outcome)
);

-- The sessions closed before this table existed, with the year of their start in Paris.
INSERT INTO closed_session_results (session_id, starts_at, year, qualification_id, route, training_organisation_id,
    outcome, enrolments, days_sum, days_min, days_max)
SELECT s.id, s.starts_at, CAST(EXTRACT(YEAR FROM s.starts_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS INTEGER), e.qualification_id, e.route,
    COALESCE(e.training_organisation_id, ''), jc.outcome, COUNT(*),
    SUM(EXTRACT(EPOCH FROM (COALESCE(s.closed_at, s.starts_at) - e.created_at)) / 86400.0),
    MIN(EXTRACT(EPOCH FROM (COALESCE(s.closed_at, s.starts_at) - e.created_at)) / 86400.0),
    MAX(EXTRACT(EPOCH FROM (COALESCE(s.closed_at, s.starts_at) - e.created_at)) / 86400.0)
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

-- « Candidates at each step now » filtered by qualification (and organisation) counts the
-- enrolments by status and route from this index alone, never reading the table.
CREATE INDEX enrolments_by_qualification_status ON enrolments (qualification_id, training_organisation_id, status, route);

-- +goose Down
DROP INDEX enrolments_by_qualification_status;
DROP TABLE closed_results_by_year;
DROP TABLE closed_session_results;
