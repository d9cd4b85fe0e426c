-- +goose Up
-- The register of accredited organisations (decree 2025-500, issue 13): an accreditation can be
-- suspended or withdrawn with a reason (it then covers no day), and records the version of the
-- branch's obligations the organisation accepted (0 = none recorded). The register's exports
-- are kept so that "changed since the last export" can be told.
ALTER TABLE accreditations ADD COLUMN status TEXT NOT NULL DEFAULT 'active'; -- active, suspended, withdrawn
ALTER TABLE accreditations ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE accreditations ADD COLUMN status_changed_at TIMESTAMP;
ALTER TABLE accreditations ADD COLUMN obligations_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE accreditation_obligations (
    branch_id   TEXT NOT NULL REFERENCES branches(id),
    version     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (branch_id, version)
);

CREATE TABLE register_exports (
    id           TEXT PRIMARY KEY,
    exported_at  TIMESTAMP NOT NULL,
    exported_by  TEXT NOT NULL,
    format       TEXT NOT NULL, -- csv, xlsx
    rows         INTEGER NOT NULL
);

-- +goose Down
DROP TABLE register_exports;
DROP TABLE accreditation_obligations;
ALTER TABLE accreditations DROP COLUMN obligations_version;
ALTER TABLE accreditations DROP COLUMN status_changed_at;
ALTER TABLE accreditations DROP COLUMN status_reason;
ALTER TABLE accreditations DROP COLUMN status;
