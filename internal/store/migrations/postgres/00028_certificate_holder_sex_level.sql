-- +goose Up
-- What an issued document prints, frozen with it (issue 15): the holder's sex as the candidate
-- record held it at issuing, so that the document says « Madame »/« née le » or
-- « Monsieur »/« né le » ('' for documents issued before: they say neither), and the
-- qualification's level from its framework, printed after its RNCP code.
ALTER TABLE certificates ADD COLUMN holder_sex TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN level TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE certificates DROP COLUMN level;
ALTER TABLE certificates DROP COLUMN holder_sex;
