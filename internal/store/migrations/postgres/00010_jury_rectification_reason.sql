-- +goose Up
-- A rectification session corrects a closed one: why it does so is part of the record, printed
-- on its minutes, and must not live only in the audit trail.
ALTER TABLE jury_sessions ADD COLUMN rectification_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE jury_sessions DROP COLUMN rectification_reason;
