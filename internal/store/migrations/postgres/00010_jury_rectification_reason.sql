-- +goose Up
-- A rectification session corrects a closed one: why it does so is part of the record, printed
-- on its minutes, and must not live only in the audit trail.
ALTER TABLE jury_sessions ADD COLUMN rectification_reason TEXT NOT NULL DEFAULT '';
-- A closed session is corrected once: a second correction rectifies the rectification.
CREATE UNIQUE INDEX jury_sessions_one_rectification ON jury_sessions (rectifies_session_id);

-- +goose Down
DROP INDEX jury_sessions_one_rectification;
ALTER TABLE jury_sessions DROP COLUMN rectification_reason;
