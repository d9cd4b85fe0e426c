-- +goose Up
-- The VAE route (issue 6): the request and its admissibility file (versioned at each
-- submission), the training organisation's review, the secretariat's decisions (revocable),
-- the experience file per block with its evidence, and the VAE adviser's comments.

-- One VAE file per VAE enrolment: where the request stands, the draft the candidate edits, and
-- the experience file's state.
CREATE TABLE vae_files (
    enrolment_id             TEXT PRIMARY KEY REFERENCES enrolments(id),
    status                   TEXT NOT NULL, -- requested, sent, submitted, under_review, reviewed, incomplete, admissible, not_admissible, redirected
    requested_by_kind        TEXT NOT NULL, -- candidate, company, secretariat
    request_message          TEXT NOT NULL DEFAULT '',
    draft                    TEXT NOT NULL DEFAULT '', -- the admissibility file being edited (JSON)
    version                  INTEGER NOT NULL DEFAULT 0, -- last submitted version, 0 before the first
    valid_until              TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD, set by an admissible decision
    adviser_user_id          TEXT NOT NULL DEFAULT '',
    experience_status        TEXT NOT NULL DEFAULT 'closed', -- closed, open, submitted
    experience_round         INTEGER NOT NULL DEFAULT 0, -- 1 for the first experience file, 2 after a partial result…
    sent_at                  TIMESTAMP,
    waiting_since            TIMESTAMP, -- since when the candidate holds the file (reminders count from here)
    last_reminder_at         TIMESTAMP,
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL
);
CREATE INDEX vae_files_by_status ON vae_files (status);

-- Each submitted admissibility file, kept as it was sent.
CREATE TABLE vae_file_versions (
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    version       INTEGER NOT NULL,
    content       TEXT NOT NULL, -- JSON
    submitted_at  TIMESTAMP NOT NULL,
    submitted_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (enrolment_id, version)
);

-- A training organisation asked to review one version, and its reasoned opinion.
CREATE TABLE vae_reviews (
    id                        TEXT PRIMARY KEY,
    enrolment_id              TEXT NOT NULL REFERENCES enrolments(id),
    file_version              INTEGER NOT NULL,
    training_organisation_id  TEXT NOT NULL REFERENCES training_organisations(id),
    requested_at              TIMESTAMP NOT NULL,
    requested_by              TEXT NOT NULL DEFAULT '',
    opinion                   TEXT NOT NULL DEFAULT '', -- favourable, unfavourable, incomplete; '' while awaited
    comment                   TEXT NOT NULL DEFAULT '',
    given_at                  TIMESTAMP,
    given_by                  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vae_reviews_by_enrolment ON vae_reviews (enrolment_id);
CREATE INDEX vae_reviews_by_organisation ON vae_reviews (training_organisation_id);

-- The secretariat's decisions on a version, with the letter sent; a revoked decision stays.
CREATE TABLE vae_decisions (
    id                     TEXT PRIMARY KEY,
    enrolment_id           TEXT NOT NULL REFERENCES enrolments(id),
    file_version           INTEGER NOT NULL,
    decision               TEXT NOT NULL, -- admissible, not_admissible, incomplete, redirected
    reason                 TEXT NOT NULL DEFAULT '',
    valid_until            TEXT NOT NULL DEFAULT '',
    redirect_route         TEXT NOT NULL DEFAULT '',
    redirect_enrolment_id  TEXT NOT NULL DEFAULT '',
    letter                 BLOB NOT NULL,
    decided_at             TIMESTAMP NOT NULL,
    decided_by             TEXT NOT NULL DEFAULT '',
    revoked_at             TIMESTAMP,
    revoked_by             TEXT NOT NULL DEFAULT '',
    revoke_reason          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vae_decisions_by_enrolment ON vae_decisions (enrolment_id);

-- What the candidate did, block by block.
CREATE TABLE vae_experience_blocks (
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    block_code    TEXT NOT NULL,
    narrative     TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (enrolment_id, block_code)
);

-- Evidence files, stored in the database so that every server sees them and an upload is
-- written whole or not at all.
CREATE TABLE vae_evidence (
    id            TEXT PRIMARY KEY,
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    block_code    TEXT NOT NULL DEFAULT '', -- '' for the whole file
    title         TEXT NOT NULL DEFAULT '',
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL, -- from the content: application/pdf, image/png, image/jpeg
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    round         INTEGER NOT NULL,
    uploaded_at   TIMESTAMP NOT NULL,
    uploaded_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vae_evidence_by_enrolment ON vae_evidence (enrolment_id);

-- The experience file's submissions, round by round.
CREATE TABLE vae_experience_submissions (
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    round         INTEGER NOT NULL,
    blocks        TEXT NOT NULL, -- the block codes submitted in this round, comma-separated
    submitted_at  TIMESTAMP NOT NULL,
    submitted_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (enrolment_id, round)
);

-- The VAE adviser's comments on the experience file.
CREATE TABLE vae_adviser_comments (
    id            TEXT PRIMARY KEY,
    enrolment_id  TEXT NOT NULL REFERENCES enrolments(id),
    block_code    TEXT NOT NULL DEFAULT '',
    comment       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX vae_adviser_comments_by_enrolment ON vae_adviser_comments (enrolment_id);

-- +goose Down
DROP TABLE vae_adviser_comments;
DROP TABLE vae_experience_submissions;
DROP TABLE vae_evidence;
DROP TABLE vae_experience_blocks;
DROP TABLE vae_decisions;
DROP TABLE vae_reviews;
DROP TABLE vae_file_versions;
DROP TABLE vae_files;
