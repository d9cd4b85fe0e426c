-- +goose Up
-- Personal data kept no longer than the branch decides (issue 14, item 15). A rule per kind of
-- data gives the months it is kept after its starting point; a kind without a row keeps its
-- default (domain.DefaultRetention). The purge blanks a VAE file's content and records when;
-- an erased candidate keeps only what the verification of their documents needs.
CREATE TABLE retention_rules (
    branch_id   TEXT NOT NULL REFERENCES branches(id),
    kind        TEXT NOT NULL, -- vae_files, mail, unfinished_candidates
    months      INTEGER NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (branch_id, kind)
);
ALTER TABLE candidates ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE vae_files ADD COLUMN purged_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE vae_files DROP COLUMN purged_at;
ALTER TABLE candidates DROP COLUMN erased_at;
DROP TABLE retention_rules;
