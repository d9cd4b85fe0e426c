-- +goose Up
-- Indexes for the candidates list at 100 000 candidates (docs/PERFORMANCE.md).

-- The list walks candidates in name order. A search too, and since names that match sit
-- together in that order, it may walk far before the page is full: with the search key in the
-- index, it checks each name without reading the table, and counts its matches from the index
-- alone.
DROP INDEX candidates_by_sort_key;
CREATE INDEX candidates_by_name ON candidates (sort_key, id, search_key);

-- The secretariat's filters by status, and status with qualification.
CREATE INDEX enrolments_by_status ON enrolments (status, qualification_id);

-- +goose Down
DROP INDEX enrolments_by_status;
DROP INDEX candidates_by_name;
CREATE INDEX candidates_by_sort_key ON candidates (sort_key, id);
