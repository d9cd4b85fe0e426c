-- +goose Up
-- A retake (DOMAIN.md §7 rule 6): continuous marks recorded after a jury session closed on the
-- enrolment belong to a new round, and replace, block by block, those the session read. The
-- round is the number of closed sessions that had judged the enrolment when the mark was
-- recorded; the marks a session read stay as they were.
ALTER TABLE continuous_marks ADD COLUMN round INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE continuous_marks DROP COLUMN round;
