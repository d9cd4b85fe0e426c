-- +goose Up
-- Jury sessions, deliberation, certificates and block attestations (issue 5).

-- Per-branch settings the jury and the certificates need.
CREATE TABLE branch_settings (
    branch_id            TEXT PRIMARY KEY REFERENCES branches(id),
    jury_quorum          INTEGER NOT NULL DEFAULT 4,
    jury_president_name  TEXT NOT NULL DEFAULT '',
    csca_president_name  TEXT NOT NULL DEFAULT '',
    cpne_president_name  TEXT NOT NULL DEFAULT '',
    updated_at           TIMESTAMPTZ NOT NULL
);

-- The jury roster: who may sit, and for which college.
CREATE TABLE jury_roster (
    user_id     TEXT PRIMARY KEY REFERENCES users(id),
    college     TEXT NOT NULL, -- unions, employers, experts, training_organisations, cpnefp_president
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE jury_sessions (
    id                    TEXT PRIMARY KEY,
    branch_id             TEXT NOT NULL REFERENCES branches(id),
    starts_at             TIMESTAMPTZ NOT NULL,
    place                 TEXT NOT NULL DEFAULT '',
    video_link            TEXT NOT NULL DEFAULT '',
    quorum                INTEGER NOT NULL,
    status                TEXT NOT NULL, -- planned, deliberating, closed
    rectifies_session_id  TEXT REFERENCES jury_sessions(id),
    snapshot              TEXT NOT NULL DEFAULT '', -- every input and decision, frozen at closing (JSON)
    closed_at             TIMESTAMPTZ,
    closed_by             TEXT NOT NULL DEFAULT '',
    created_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX jury_sessions_by_date ON jury_sessions (starts_at);

CREATE TABLE jury_invitations (
    session_id   TEXT NOT NULL REFERENCES jury_sessions(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    college      TEXT NOT NULL,
    present      INTEGER NOT NULL DEFAULT 0,
    recorded_at  TIMESTAMPTZ,
    PRIMARY KEY (session_id, user_id)
);

-- The candidates presented to a session, one enrolment each.
CREATE TABLE jury_candidates (
    session_id    TEXT NOT NULL REFERENCES jury_sessions(id),
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    position      INTEGER NOT NULL,
    outcome       TEXT NOT NULL DEFAULT '', -- set at closing: certified, partial, not_certified
    PRIMARY KEY (session_id, enrolment_id)
);
CREATE INDEX jury_candidates_by_enrolment ON jury_candidates (enrolment_id);

-- The jury's decision on one debated block, with its reason; and the referent's opinion when
-- the jury asked for it.
CREATE TABLE jury_decisions (
    id                TEXT PRIMARY KEY,
    session_id        TEXT NOT NULL REFERENCES jury_sessions(id),
    enrolment_id      TEXT NOT NULL REFERENCES enrolments(id),
    block_code        TEXT NOT NULL,
    decision          TEXT NOT NULL, -- A or NA
    reason            TEXT NOT NULL,
    referent_opinion  TEXT NOT NULL DEFAULT '',
    decided_at        TIMESTAMPTZ NOT NULL,
    decided_by        TEXT NOT NULL,
    UNIQUE (session_id, enrolment_id, block_code)
);

-- Blocks acquired for good, by session (a block attestation's blocks, or a certificate's).
CREATE TABLE acquired_blocks (
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    block_code    TEXT NOT NULL,
    session_id    TEXT NOT NULL REFERENCES jury_sessions(id),
    acquired_on   TEXT NOT NULL,
    PRIMARY KEY (enrolment_id, block_code)
);

CREATE TABLE certificates (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE, -- e.g. COURTAGE-2026-000042, gapless per branch and year
    kind                TEXT NOT NULL, -- certificate, attestation
    verification_code   TEXT NOT NULL UNIQUE,
    enrolment_id        TEXT NOT NULL REFERENCES enrolments(id),
    candidate_id        TEXT NOT NULL REFERENCES candidates(id),
    session_id          TEXT NOT NULL REFERENCES jury_sessions(id),
    holder_name         TEXT NOT NULL,
    qualification_code  TEXT NOT NULL,
    qualification_title TEXT NOT NULL,
    blocks              TEXT NOT NULL, -- JSON list of {code, title}
    awarded_on          TEXT NOT NULL, -- the session's date, YYYY-MM-DD
    issued_at           TIMESTAMPTZ NOT NULL,
    issued_by           TEXT NOT NULL,
    revoked_at          TIMESTAMPTZ,
    revoked_reason      TEXT NOT NULL DEFAULT '',
    revoked_by          TEXT NOT NULL DEFAULT '',
    UNIQUE (session_id, enrolment_id, kind)
);
CREATE INDEX certificates_by_candidate ON certificates (candidate_id);

-- Gapless numbering: one counter per branch and year, incremented in the issuing transaction.
CREATE TABLE certificate_counters (
    branch_code  TEXT NOT NULL,
    year         INTEGER NOT NULL,
    last_number  INTEGER NOT NULL,
    PRIMARY KEY (branch_code, year)
);

-- +goose Down
DROP TABLE certificate_counters;
DROP TABLE certificates;
DROP TABLE acquired_blocks;
DROP TABLE jury_decisions;
DROP TABLE jury_candidates;
DROP TABLE jury_invitations;
DROP TABLE jury_sessions;
DROP TABLE jury_roster;
DROP TABLE branch_settings;
