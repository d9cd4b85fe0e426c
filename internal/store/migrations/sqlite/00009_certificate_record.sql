-- +goose Up
-- A certificate or a block attestation is rendered on demand from its stored record, so the
-- record holds everything printed on it as it was when issued: the holder's birth date, the
-- branch's name, the RNCP registration, the place and the signatories. A later change of the
-- branch's settings or of a framework must not change a document already handed out.
ALTER TABLE certificates ADD COLUMN holder_birth_date TEXT NOT NULL DEFAULT ''; -- YYYY-MM-DD
ALTER TABLE certificates ADD COLUMN branch_name TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN rncp TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN signatories TEXT NOT NULL DEFAULT '[]'; -- JSON list of {role, name}
-- When the document was put in the holder's mail, so that it is sent once.
ALTER TABLE certificates ADD COLUMN mailed_at TIMESTAMP;

-- Where certificates are signed when the jury met by video: "Fait à <place>".
ALTER TABLE branch_settings ADD COLUMN signature_place TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE branch_settings DROP COLUMN signature_place;
ALTER TABLE certificates DROP COLUMN mailed_at;
ALTER TABLE certificates DROP COLUMN signatories;
ALTER TABLE certificates DROP COLUMN place;
ALTER TABLE certificates DROP COLUMN rncp;
ALTER TABLE certificates DROP COLUMN branch_name;
ALTER TABLE certificates DROP COLUMN holder_birth_date;
