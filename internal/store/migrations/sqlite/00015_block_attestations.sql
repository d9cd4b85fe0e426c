-- +goose Up
-- One attestation per acquired block (DOMAIN.md §5, issue 11): a block attestation names its
-- block in block_code, so that a session may issue several attestations to one enrolment, one
-- per block. Certificates, and the attestations of several blocks issued before, keep ''.
-- SQLite cannot drop a table constraint: the table is rebuilt with the new uniqueness, every
-- row copied as it was (nothing references certificates).
CREATE TABLE certificates_new (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL,
    verification_code   TEXT NOT NULL UNIQUE,
    enrolment_id        TEXT NOT NULL REFERENCES enrolments(id),
    candidate_id        TEXT NOT NULL REFERENCES candidates(id),
    session_id          TEXT NOT NULL REFERENCES jury_sessions(id),
    holder_name         TEXT NOT NULL,
    qualification_code  TEXT NOT NULL,
    qualification_title TEXT NOT NULL,
    blocks              TEXT NOT NULL,
    awarded_on          TEXT NOT NULL,
    issued_at           TIMESTAMP NOT NULL,
    issued_by           TEXT NOT NULL,
    revoked_at          TIMESTAMP,
    revoked_reason      TEXT NOT NULL DEFAULT '',
    revoked_by          TEXT NOT NULL DEFAULT '',
    holder_birth_date   TEXT NOT NULL DEFAULT '',
    branch_name         TEXT NOT NULL DEFAULT '',
    rncp                TEXT NOT NULL DEFAULT '',
    place               TEXT NOT NULL DEFAULT '',
    signatories         TEXT NOT NULL DEFAULT '[]',
    mailed_at           TIMESTAMP,
    block_code          TEXT NOT NULL DEFAULT '', -- the block of a block attestation; '' otherwise
    UNIQUE (session_id, enrolment_id, kind, block_code)
);
INSERT INTO certificates_new (id, number, kind, verification_code, enrolment_id, candidate_id, session_id, holder_name,
    qualification_code, qualification_title, blocks, awarded_on, issued_at, issued_by, revoked_at, revoked_reason, revoked_by,
    holder_birth_date, branch_name, rncp, place, signatories, mailed_at)
SELECT id, number, kind, verification_code, enrolment_id, candidate_id, session_id, holder_name,
    qualification_code, qualification_title, blocks, awarded_on, issued_at, issued_by, revoked_at, revoked_reason, revoked_by,
    holder_birth_date, branch_name, rncp, place, signatories, mailed_at FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_new RENAME TO certificates;
CREATE INDEX certificates_by_candidate ON certificates (candidate_id);

-- +goose Down
-- Refused while a session holds several block attestations for one enrolment: the old
-- uniqueness cannot hold them.
CREATE TABLE certificates_old (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL,
    verification_code   TEXT NOT NULL UNIQUE,
    enrolment_id        TEXT NOT NULL REFERENCES enrolments(id),
    candidate_id        TEXT NOT NULL REFERENCES candidates(id),
    session_id          TEXT NOT NULL REFERENCES jury_sessions(id),
    holder_name         TEXT NOT NULL,
    qualification_code  TEXT NOT NULL,
    qualification_title TEXT NOT NULL,
    blocks              TEXT NOT NULL,
    awarded_on          TEXT NOT NULL,
    issued_at           TIMESTAMP NOT NULL,
    issued_by           TEXT NOT NULL,
    revoked_at          TIMESTAMP,
    revoked_reason      TEXT NOT NULL DEFAULT '',
    revoked_by          TEXT NOT NULL DEFAULT '',
    holder_birth_date   TEXT NOT NULL DEFAULT '',
    branch_name         TEXT NOT NULL DEFAULT '',
    rncp                TEXT NOT NULL DEFAULT '',
    place               TEXT NOT NULL DEFAULT '',
    signatories         TEXT NOT NULL DEFAULT '[]',
    mailed_at           TIMESTAMP,
    UNIQUE (session_id, enrolment_id, kind)
);
INSERT INTO certificates_old SELECT id, number, kind, verification_code, enrolment_id, candidate_id, session_id, holder_name,
    qualification_code, qualification_title, blocks, awarded_on, issued_at, issued_by, revoked_at, revoked_reason, revoked_by,
    holder_birth_date, branch_name, rncp, place, signatories, mailed_at FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_old RENAME TO certificates;
CREATE INDEX certificates_by_candidate ON certificates (candidate_id);
