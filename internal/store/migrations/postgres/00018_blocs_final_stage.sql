-- +goose Up
-- The blocs route's final stage (issue 11, DOMAIN.md §5 « blocs »): an enrolment evaluated as a
-- VAE, without admissibility, for a person who holds block attestations. stage is
-- 'blocs_final' on it, '' on every other enrolment.
ALTER TABLE enrolments ADD COLUMN stage TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE enrolments DROP COLUMN stage;
