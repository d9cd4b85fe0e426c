-- +goose Up
-- Indexes for the candidates list at 100 000 candidates (docs/PERFORMANCE.md).

-- The list walks candidates in name order; with the search key in the index, a search filters
-- the walk without reading the table, and counts its matches from the index alone.
DROP INDEX candidates_by_sort_key;
CREATE INDEX candidates_by_name ON candidates (sort_key, id, search_key);

-- Each candidate's enrolments in list order, answered from the index.
DROP INDEX enrolments_by_candidate;
CREATE INDEX enrolments_by_candidate ON enrolments (candidate_id, created_at, id);

-- The secretariat's filters by status, and status with qualification.
CREATE INDEX enrolments_by_status ON enrolments (status, qualification_id);

-- +goose Down
DROP INDEX enrolments_by_status;
DROP INDEX enrolments_by_candidate;
CREATE INDEX enrolments_by_candidate ON enrolments (candidate_id);
DROP INDEX candidates_by_name;
CREATE INDEX candidates_by_sort_key ON candidates (sort_key, id);
