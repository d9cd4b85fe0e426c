-- +goose Up
-- The secretariat's dashboard lists the closed sessions with no document issued yet: without
-- this index each session's check read every certificate (docs/PERFORMANCE.md, « The
-- secretariat's dashboard »).
CREATE INDEX certificates_by_session ON certificates (session_id);

-- +goose Down
DROP INDEX certificates_by_session;
