-- +goose Up
-- The declaration of awards to the Caisse des Dépôts (« accrochage », issue 13). A batch is one
-- flow file built by the secretariat; a declaration is the state of one award with the Caisse:
-- in_batch (sent in batch_id), accepted, rejected (reason says why) or to_declare again after
-- the holder's identity was corrected. An award without a row has never been declared; a
-- revoked award that was sent is to be deleted by hand (schema 1.1.2 has no deletion).
CREATE TABLE declaration_batches (
    id          TEXT PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    awards      INTEGER NOT NULL
);

CREATE TABLE declarations (
    certificate_id  TEXT PRIMARY KEY REFERENCES certificates(id),
    status          TEXT NOT NULL, -- in_batch, accepted, rejected, to_declare
    batch_id        TEXT NOT NULL REFERENCES declaration_batches(id),
    reason          TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX declarations_batch ON declarations (batch_id);

-- +goose Down
DROP TABLE declarations;
DROP TABLE declaration_batches;
