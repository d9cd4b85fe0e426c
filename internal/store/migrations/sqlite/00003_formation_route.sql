-- +goose Up
-- The formation route (issue 4): actions, enrolment interviews and eligibility, training
-- follow-up, continuous marks, final evaluation grids, commissions and orals.

CREATE TABLE actions (
    id                        TEXT PRIMARY KEY,
    training_organisation_id  TEXT NOT NULL REFERENCES training_organisations(id),
    qualification_id          TEXT NOT NULL REFERENCES qualifications(id),
    route                     TEXT NOT NULL,
    title                     TEXT NOT NULL,
    starts_on                 TEXT NOT NULL, -- YYYY-MM-DD
    ends_on                   TEXT NOT NULL, -- YYYY-MM-DD
    place                     TEXT NOT NULL DEFAULT '',
    planned_hours             INTEGER NOT NULL DEFAULT 0,
    funder_id                 TEXT REFERENCES funders(id),
    status                    TEXT NOT NULL, -- declared, refused
    created_at                TIMESTAMP NOT NULL,
    created_by                TEXT NOT NULL DEFAULT ''
);
CREATE INDEX actions_by_organisation ON actions (training_organisation_id, starts_on);
CREATE INDEX actions_by_funder ON actions (funder_id);

CREATE TABLE action_companies (
    action_id   TEXT NOT NULL REFERENCES actions(id),
    company_id  TEXT NOT NULL REFERENCES companies(id),
    PRIMARY KEY (action_id, company_id)
);

-- The action's calendar: training days, per block when known.
CREATE TABLE action_calendar (
    id          TEXT PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES actions(id),
    day         TEXT NOT NULL, -- YYYY-MM-DD
    start_time  TEXT NOT NULL DEFAULT '', -- HH:MM
    end_time    TEXT NOT NULL DEFAULT '',
    block_code  TEXT NOT NULL DEFAULT '',
    label       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX action_calendar_by_action ON action_calendar (action_id, day);

-- The secretariat's comments on an action, and refusals. Append-only.
CREATE TABLE action_comments (
    id          TEXT PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES actions(id),
    kind        TEXT NOT NULL, -- comment, refusal
    body        TEXT NOT NULL,
    author_id   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX action_comments_by_action ON action_comments (action_id, created_at);

ALTER TABLE enrolments ADD COLUMN action_id TEXT REFERENCES actions(id);
ALTER TABLE enrolments ADD COLUMN interview_on TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN interview_project TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN interview_motivation TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN diploma_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrolments ADD COLUMN experience_months INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrolments ADD COLUMN related_experience_months INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrolments ADD COLUMN derogation_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN derogation_by TEXT NOT NULL DEFAULT '';
CREATE INDEX enrolments_by_action ON enrolments (action_id);

-- Training hours per block, planned and done, kept up to date by the OF (changes audited).
CREATE TABLE training_hours (
    enrolment_id   TEXT NOT NULL REFERENCES enrolments(id),
    block_code     TEXT NOT NULL,
    planned_hours  INTEGER NOT NULL DEFAULT 0,
    done_hours     INTEGER NOT NULL DEFAULT 0,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (enrolment_id, block_code)
);

CREATE TABLE internships (
    id            TEXT PRIMARY KEY,
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    company_id    TEXT NOT NULL REFERENCES companies(id),
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    hours         INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX internships_by_enrolment ON internships (enrolment_id);

-- The logbook (livret d'accompagnement): the referent's follow-up entries. Append-only.
CREATE TABLE logbook_entries (
    id            TEXT PRIMARY KEY,
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    on_date       TEXT NOT NULL,
    body          TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX logbook_entries_by_enrolment ON logbook_entries (enrolment_id, on_date);

-- Continuous evaluation: marks out of 20 in hundredths, several per block.
CREATE TABLE continuous_marks (
    id            TEXT PRIMARY KEY,
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    block_code    TEXT NOT NULL,
    label         TEXT NOT NULL DEFAULT '',
    mark          INTEGER NOT NULL, -- hundredths of a point, 0..2000
    assessed_on   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX continuous_marks_by_enrolment ON continuous_marks (enrolment_id, block_code);

-- Final evaluation grids. One evaluator's grid for one enrolment has versions: a draft is
-- edited, a submitted version is locked; a correction is a new version with a reason.
CREATE TABLE evaluation_grids (
    id                   TEXT PRIMARY KEY,
    enrolment_id         TEXT NOT NULL REFERENCES enrolments(id),
    evaluator            TEXT NOT NULL, -- training_organisation, company_referent, commission
    version              INTEGER NOT NULL,
    status               TEXT NOT NULL, -- draft, submitted
    comment              TEXT NOT NULL DEFAULT '',
    correction_reason    TEXT NOT NULL DEFAULT '',
    career_presentation  TEXT NOT NULL DEFAULT '', -- commission oral, part 1
    practical_case       TEXT NOT NULL DEFAULT '', -- part 2
    knowledge_question   TEXT NOT NULL DEFAULT '', -- part 3
    open_questions       TEXT NOT NULL DEFAULT '', -- part 4
    reasoned_opinion     TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMP NOT NULL,
    created_by           TEXT NOT NULL DEFAULT '',
    submitted_at         TIMESTAMP,
    submitted_by         TEXT NOT NULL DEFAULT '',
    UNIQUE (enrolment_id, evaluator, version)
);

CREATE TABLE grid_marks (
    grid_id          TEXT NOT NULL REFERENCES evaluation_grids(id),
    competence_code  TEXT NOT NULL,
    mark             TEXT NOT NULL, -- "A", "NA" or the number of detailed competences acquired
    comment          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (grid_id, competence_code)
);

-- Evaluation commissions: two voting members delegated by the jury, and optionally one
-- non-voting training-organisation representative.
CREATE TABLE commissions (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE commission_members (
    commission_id  TEXT NOT NULL REFERENCES commissions(id),
    user_id        TEXT NOT NULL REFERENCES users(id),
    voting         INTEGER NOT NULL, -- 1 for a jury delegate, 0 for the OF representative
    PRIMARY KEY (commission_id, user_id)
);

-- The companies and training organisations a person works for, for conflict-of-interest
-- checks (besides the scopes of their roles).
CREATE TABLE member_affiliations (
    user_id   TEXT NOT NULL REFERENCES users(id),
    kind      TEXT NOT NULL, -- company, training_organisation
    org_id    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, org_id)
);

-- One certification oral: a candidate before a commission at a time and place.
CREATE TABLE orals (
    id                TEXT PRIMARY KEY,
    commission_id     TEXT NOT NULL REFERENCES commissions(id),
    enrolment_id      TEXT NOT NULL REFERENCES enrolments(id),
    starts_at         TIMESTAMP NOT NULL,
    duration_minutes  INTEGER NOT NULL,
    place             TEXT NOT NULL DEFAULT '',
    video_link        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX orals_by_commission ON orals (commission_id, starts_at);
CREATE INDEX orals_by_enrolment ON orals (enrolment_id);

ALTER TABLE outbox ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attachment_type TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attachment TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN attachment;
ALTER TABLE outbox DROP COLUMN attachment_type;
ALTER TABLE outbox DROP COLUMN attachment_name;
DROP TABLE orals;
DROP TABLE member_affiliations;
DROP TABLE commission_members;
DROP TABLE commissions;
DROP TABLE grid_marks;
DROP TABLE evaluation_grids;
DROP TABLE continuous_marks;
DROP TABLE logbook_entries;
DROP TABLE internships;
DROP TABLE training_hours;
DROP INDEX enrolments_by_action;
ALTER TABLE enrolments DROP COLUMN derogation_by;
ALTER TABLE enrolments DROP COLUMN derogation_reason;
ALTER TABLE enrolments DROP COLUMN related_experience_months;
ALTER TABLE enrolments DROP COLUMN experience_months;
ALTER TABLE enrolments DROP COLUMN diploma_level;
ALTER TABLE enrolments DROP COLUMN interview_motivation;
ALTER TABLE enrolments DROP COLUMN interview_project;
ALTER TABLE enrolments DROP COLUMN interview_on;
ALTER TABLE enrolments DROP COLUMN action_id;
DROP TABLE action_comments;
DROP TABLE action_calendar;
DROP TABLE action_companies;
DROP TABLE actions;
