-- +goose Up
-- Candidate numbers C-YYYY-NNNNN come from one counter row per year, incremented in the
-- transaction that creates the candidate (as certificate_counters does for certificates), so
-- that concurrent writers, on several servers, never draw the same number. The counters start
-- at the largest number already given each year.
CREATE TABLE candidate_counters (
    year         INTEGER PRIMARY KEY,
    last_number  INTEGER NOT NULL
);
INSERT INTO candidate_counters (year, last_number)
SELECT CAST(substr(number, 3, 4) AS INTEGER), MAX(CAST(substr(number, 8) AS INTEGER))
FROM candidates
WHERE number ~ '^C-[0-9]{4}-[0-9]{1,9}$'
GROUP BY substr(number, 3, 4);

-- +goose Down
DROP TABLE candidate_counters;
