-- +goose Up
-- The referent's evaluation of know-how per competence lives in the logbook itself: an entry
-- may name one competence of the candidate's blocks and say whether it is acquired ("A") or
-- not yet ("NA"). The entries stay append-only, so a later entry on the same competence is the
-- current evaluation and the earlier ones are its history.
ALTER TABLE logbook_entries ADD COLUMN competence_code TEXT NOT NULL DEFAULT '';
ALTER TABLE logbook_entries ADD COLUMN assessment TEXT NOT NULL DEFAULT ''; -- '', 'A' or 'NA'

-- +goose Down
ALTER TABLE logbook_entries DROP COLUMN assessment;
ALTER TABLE logbook_entries DROP COLUMN competence_code;
