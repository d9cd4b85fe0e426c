-- +goose Up
CREATE TABLE branches (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    idcc        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE qualifications (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches(id),
    code        TEXT NOT NULL,
    title       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (branch_id, code)
);

-- One row per version of a qualification's framework. The definition is the whole framework
-- as JSON (never queried inside); a version with enrolments is frozen by the service.
CREATE TABLE frameworks (
    id                TEXT PRIMARY KEY,
    qualification_id  TEXT NOT NULL REFERENCES qualifications(id),
    version           INTEGER NOT NULL,
    definition        TEXT NOT NULL,
    to_confirm_count  INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL,
    created_by        TEXT,
    UNIQUE (qualification_id, version)
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL DEFAULT '',
    disabled_at    TIMESTAMP,
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE training_organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    siret       TEXT NOT NULL UNIQUE,
    city        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE accreditations (
    id                        TEXT PRIMARY KEY,
    training_organisation_id  TEXT NOT NULL REFERENCES training_organisations(id),
    qualification_id          TEXT NOT NULL REFERENCES qualifications(id),
    valid_from                TEXT NOT NULL, -- YYYY-MM-DD
    valid_until               TEXT NOT NULL, -- YYYY-MM-DD, inclusive
    created_at                TIMESTAMP NOT NULL
);
CREATE INDEX accreditations_by_organisation ON accreditations (training_organisation_id);

CREATE TABLE companies (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    siret       TEXT NOT NULL UNIQUE,
    city        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE funders (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL
);

-- A role held by a user, limited to one scope (a training organisation, a company, a funder,
-- a candidate) or to the whole branch when scope_id is empty.
CREATE TABLE role_assignments (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL,
    scope_id    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (user_id, role, scope_id)
);
CREATE INDEX role_assignments_by_scope ON role_assignments (role, scope_id);

CREATE TABLE candidates (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    birth_name     TEXT NOT NULL,
    used_name      TEXT NOT NULL DEFAULT '',
    first_names    TEXT NOT NULL,
    birth_date     TEXT NOT NULL, -- YYYY-MM-DD
    sex            TEXT NOT NULL, -- M or F, as the national register needs
    birth_insee    TEXT NOT NULL DEFAULT '', -- INSEE commune code when born in France
    birth_country  TEXT NOT NULL DEFAULT '', -- country when born abroad
    birth_city     TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    sort_key       TEXT NOT NULL, -- folded "name first names" for ordering
    search_key     TEXT NOT NULL, -- folded names, number and birth date for search
    user_id        TEXT REFERENCES users(id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX candidates_by_sort_key ON candidates (sort_key, id);

CREATE TABLE enrolments (
    id                        TEXT PRIMARY KEY,
    candidate_id              TEXT NOT NULL REFERENCES candidates(id),
    framework_id              TEXT NOT NULL REFERENCES frameworks(id),
    qualification_id          TEXT NOT NULL REFERENCES qualifications(id),
    route                     TEXT NOT NULL,
    public                    TEXT NOT NULL,
    status                    TEXT NOT NULL,
    training_organisation_id  TEXT REFERENCES training_organisations(id),
    company_id                TEXT REFERENCES companies(id),
    referent_user_id          TEXT REFERENCES users(id),
    blocks                    TEXT NOT NULL, -- chosen block codes, space separated, framework order
    created_at                TIMESTAMP NOT NULL,
    updated_at                TIMESTAMP NOT NULL
);
CREATE INDEX enrolments_by_candidate ON enrolments (candidate_id);
CREATE INDEX enrolments_by_organisation ON enrolments (training_organisation_id, candidate_id);
CREATE INDEX enrolments_by_company ON enrolments (company_id, candidate_id);
CREATE INDEX enrolments_by_referent ON enrolments (referent_user_id, candidate_id);
CREATE INDEX enrolments_by_framework ON enrolments (framework_id);

CREATE TABLE enrolment_status_history (
    id            TEXT PRIMARY KEY,
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    at            TIMESTAMP NOT NULL,
    by_user_id    TEXT
);
CREATE INDEX enrolment_status_history_by_enrolment ON enrolment_status_history (enrolment_id, at);

-- Append-only: the code never updates or deletes a row of it.
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY, -- time-ordered
    at           TIMESTAMP NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    actor_name   TEXT NOT NULL DEFAULT '',
    actor_role   TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    candidate_id TEXT NOT NULL DEFAULT '',
    before_state TEXT NOT NULL DEFAULT '',
    after_state  TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_entity ON audit_log (entity_type, entity_id, id);
CREATE INDEX audit_log_by_candidate ON audit_log (candidate_id, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);

CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    data    BLOB NOT NULL,
    expiry  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expiry);

-- One-time tokens: password resets and the first-account setup link. Only hashes are kept.
CREATE TABLE one_time_tokens (
    token_hash  TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    user_id     TEXT NOT NULL DEFAULT '',
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE login_failures (
    id      TEXT PRIMARY KEY,
    key     TEXT NOT NULL, -- "account:<email>" or "ip:<address>"
    at      TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP,
    error       TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE outbox;
DROP TABLE login_failures;
DROP TABLE api_tokens;
DROP TABLE one_time_tokens;
DROP TABLE sessions;
DROP TABLE audit_log;
DROP TABLE enrolment_status_history;
DROP TABLE enrolments;
DROP TABLE candidates;
DROP TABLE role_assignments;
DROP TABLE funders;
DROP TABLE companies;
DROP TABLE accreditations;
DROP TABLE training_organisations;
DROP TABLE users;
DROP TABLE frameworks;
DROP TABLE qualifications;
DROP TABLE branches;
