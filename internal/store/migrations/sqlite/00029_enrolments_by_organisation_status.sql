-- +goose Up
-- A training organisation's dashboard counts its enrolments under way and lists its tasks
-- (marks missing, grids due…) on enrolments at one status: read them by organisation and
-- status rather than every organisation's at that status (docs/PERFORMANCE.md).
CREATE INDEX enrolments_by_organisation_status ON enrolments (training_organisation_id, status, route);

-- +goose Down
DROP INDEX enrolments_by_organisation_status;
