-- +goose Up
-- The blocs route's block stage (issue 11, DOMAIN.md §5): the training organisation's final
-- tests of each block — a written test and an oral practical case, each with its date, its
-- result (a mark out of 20, or A / NA) and its assessor — kept with the version of its grid
-- they belong to; and the line manager (N+1) who evaluates with the company referent.
ALTER TABLE evaluation_grids ADD COLUMN line_manager TEXT NOT NULL DEFAULT '';

CREATE TABLE grid_block_tests (
    grid_id     TEXT NOT NULL REFERENCES evaluation_grids(id),
    block_code  TEXT NOT NULL,
    kind        TEXT NOT NULL, -- written, oral_case
    held_on     TEXT NOT NULL, -- YYYY-MM-DD
    result      TEXT NOT NULL, -- "A", "NA" or a mark out of 20 in French notation ("12,5")
    assessor    TEXT NOT NULL,
    PRIMARY KEY (grid_id, block_code, kind)
);

-- +goose Down
DROP TABLE grid_block_tests;
ALTER TABLE evaluation_grids DROP COLUMN line_manager;
