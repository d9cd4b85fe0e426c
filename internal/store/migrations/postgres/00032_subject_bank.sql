-- +goose Up
-- The subject bank (issue 18): training organisations and companies propose knowledge
-- questions and practical cases during a yearly call, the subject committee reviews them in
-- its sessions, the accepted ones enter the bank for a number of years, and each oral draws
-- its subjects from the bank.

-- The yearly call for proposals: submissions are possible from opens_on to closes_on
-- (inclusive). announced_at is set when the opening mail to the accredited organisations has
-- been queued, so that it goes once.
CREATE TABLE subject_calls (
    id            TEXT PRIMARY KEY,
    year          INTEGER NOT NULL UNIQUE,
    opens_on      TEXT NOT NULL, -- YYYY-MM-DD
    closes_on     TEXT NOT NULL, -- YYYY-MM-DD, inclusive
    announced_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    TEXT NOT NULL DEFAULT ''
);

-- One subject, from the proposer's draft to its retirement from the bank. The proposer is an
-- organisation (proposer_kind + proposer_org_id: a training organisation or a company), so
-- that a draw can leave out the subjects of the candidate's own organisations; proposed_by is
-- the user who wrote it. The texts live in subject_versions; current_version is the one the
-- bank uses. valid_until is set by an acceptance.
CREATE TABLE subjects (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL, -- knowledge_question, practical_case
    qualification_id  TEXT NOT NULL REFERENCES qualifications(id),
    framework_id      TEXT NOT NULL REFERENCES frameworks(id), -- the framework whose blocks and competences were chosen
    status            TEXT NOT NULL, -- draft, submitted, accepted, refused, withdrawn, retired
    proposer_kind     TEXT NOT NULL, -- training_organisation, company
    proposer_org_id   TEXT NOT NULL,
    proposed_by       TEXT NOT NULL REFERENCES users(id),
    call_id           TEXT REFERENCES subject_calls(id), -- the call it was submitted in
    current_version   INTEGER NOT NULL DEFAULT 1,
    submitted_at      TIMESTAMPTZ,
    decided_at        TIMESTAMPTZ,
    valid_until       TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD, inclusive; '' until accepted
    retired_at        TIMESTAMPTZ,
    retired_by        TEXT NOT NULL DEFAULT '',
    retire_reason     TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX subjects_by_qualification ON subjects (qualification_id, status, kind);
CREATE INDEX subjects_by_proposer ON subjects (proposer_kind, proposer_org_id, status);
CREATE INDEX subjects_by_status ON subjects (status, submitted_at);

-- The texts of a subject. Version 1 is the proposer's (edited in place while a draft, frozen
-- at submission); a committee's « accepted with changes » adds a version with its reason, and
-- the proposer's stays.
CREATE TABLE subject_versions (
    subject_id        TEXT NOT NULL REFERENCES subjects(id),
    version           INTEGER NOT NULL,
    title             TEXT NOT NULL,
    candidate_text    TEXT NOT NULL, -- what the candidate reads
    expected_answer   TEXT NOT NULL DEFAULT '', -- for the commission only
    marking_guide     TEXT NOT NULL DEFAULT '', -- for the commission only
    duration_minutes  INTEGER NOT NULL,
    author_id         TEXT NOT NULL REFERENCES users(id),
    author_kind       TEXT NOT NULL, -- proposer, committee
    reason            TEXT NOT NULL DEFAULT '', -- why the committee changed it
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subject_id, version)
);

-- The blocks and competences a subject covers, codes of its framework.
CREATE TABLE subject_blocks (
    subject_id  TEXT NOT NULL REFERENCES subjects(id),
    block_code  TEXT NOT NULL,
    PRIMARY KEY (subject_id, block_code)
);
CREATE INDEX subject_blocks_by_block ON subject_blocks (block_code, subject_id);

CREATE TABLE subject_competences (
    subject_id       TEXT NOT NULL REFERENCES subjects(id),
    competence_code  TEXT NOT NULL,
    PRIMARY KEY (subject_id, competence_code)
);

-- PDF attachments of a subject (documents the candidate is handed), stored in the database so
-- that every server sees them.
CREATE TABLE subject_attachments (
    id           TEXT PRIMARY KEY,
    subject_id   TEXT NOT NULL REFERENCES subjects(id),
    filename     TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BYTEA NOT NULL,
    uploaded_at  TIMESTAMPTZ NOT NULL,
    uploaded_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subject_attachments_by_subject ON subject_attachments (subject_id);

-- The subject committee's sessions and their members.
CREATE TABLE subject_committee_sessions (
    id          TEXT PRIMARY KEY,
    starts_at   TIMESTAMPTZ NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subject_committee_sessions_by_start ON subject_committee_sessions (starts_at);

CREATE TABLE subject_committee_members (
    session_id  TEXT NOT NULL REFERENCES subject_committee_sessions(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX subject_committee_members_by_user ON subject_committee_members (user_id);

-- The committee's decisions on a subject: the version decided (the new one for « accepted with
-- changes »), the reason (required for a refusal), the validity in years of an acceptance.
CREATE TABLE subject_reviews (
    id              TEXT PRIMARY KEY,
    subject_id      TEXT NOT NULL REFERENCES subjects(id),
    session_id      TEXT REFERENCES subject_committee_sessions(id),
    version         INTEGER NOT NULL,
    decision        TEXT NOT NULL, -- accepted, accepted_with_changes, refused
    reason          TEXT NOT NULL DEFAULT '',
    validity_years  INTEGER NOT NULL DEFAULT 0,
    reviewer_id     TEXT NOT NULL REFERENCES users(id),
    reviewed_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX subject_reviews_by_subject ON subject_reviews (subject_id, reviewed_at);

-- The subjects drawn for an oral. candidate_id and enrolment_id are copied from the oral so
-- that « never one the candidate met before » reads one index; a redraw keeps the replaced
-- row (replaced_at, replaced_by: the new draw, redraw_reason) and at most one draw per oral
-- and kind is in force. Use counts and last use are the draws in force per subject.
CREATE TABLE subject_draws (
    id             TEXT PRIMARY KEY,
    oral_id        TEXT NOT NULL REFERENCES orals(id),
    subject_id     TEXT NOT NULL REFERENCES subjects(id),
    kind           TEXT NOT NULL, -- knowledge_question, practical_case
    version        INTEGER NOT NULL, -- the subject's version drawn
    candidate_id   TEXT NOT NULL REFERENCES candidates(id),
    enrolment_id   TEXT NOT NULL REFERENCES enrolments(id),
    drawn_by       TEXT NOT NULL DEFAULT '',
    drawn_at       TIMESTAMPTZ NOT NULL,
    replaced_at    TIMESTAMPTZ,
    replaced_by    TEXT NOT NULL DEFAULT '', -- the draw that replaced this one
    redrawn_by     TEXT NOT NULL DEFAULT '',
    redraw_reason  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX subject_draws_in_force ON subject_draws (oral_id, kind) WHERE replaced_at IS NULL;
CREATE INDEX subject_draws_by_subject ON subject_draws (subject_id, drawn_at);
CREATE INDEX subject_draws_by_candidate ON subject_draws (candidate_id, subject_id);

-- +goose Down
DROP TABLE subject_draws;
DROP TABLE subject_reviews;
DROP TABLE subject_committee_members;
DROP TABLE subject_committee_sessions;
DROP TABLE subject_attachments;
DROP TABLE subject_competences;
DROP TABLE subject_blocks;
DROP TABLE subject_versions;
DROP TABLE subjects;
DROP TABLE subject_calls;
