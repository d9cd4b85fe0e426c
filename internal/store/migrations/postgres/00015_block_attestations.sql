-- +goose Up
-- One attestation per acquired block (DOMAIN.md §5, issue 11): a block attestation names its
-- block in block_code, so that a session may issue several attestations to one enrolment, one
-- per block. Certificates, and the attestations of several blocks issued before, keep ''.
ALTER TABLE certificates ADD COLUMN block_code TEXT NOT NULL DEFAULT ''; -- the block of a block attestation; '' otherwise
ALTER TABLE certificates DROP CONSTRAINT certificates_session_id_enrolment_id_kind_key;
ALTER TABLE certificates ADD CONSTRAINT certificates_session_id_enrolment_id_kind_block_code_key
    UNIQUE (session_id, enrolment_id, kind, block_code);

-- +goose Down
-- Refused while a session holds several block attestations for one enrolment: the old
-- uniqueness cannot hold them.
ALTER TABLE certificates DROP CONSTRAINT certificates_session_id_enrolment_id_kind_block_code_key;
ALTER TABLE certificates ADD CONSTRAINT certificates_session_id_enrolment_id_kind_key UNIQUE (session_id, enrolment_id, kind);
ALTER TABLE certificates DROP COLUMN block_code;
