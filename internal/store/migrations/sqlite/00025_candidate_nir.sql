-- +goose Up
-- The holder's NIR, which the declaration of an award to the Caisse des Dépôts needs (issue
-- 13). Stored without spaces, '' while unknown; shown whole only to the secretariat.
ALTER TABLE candidates ADD COLUMN nir TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE candidates DROP COLUMN nir;
