-- +goose Up
-- Indexes for the candidates list at 100 000 candidates (docs/PERFORMANCE.md).

-- The list walks candidates in name order. A search too, and since names that match sit
-- together in that order, it may walk far before the page is full: with the search key in the
-- index, it checks each name without reading the table. The narrow candidates_by_sort_key
-- stays for walks that need no search key, such as finding where a deep page starts.
CREATE INDEX candidates_by_name ON candidates (sort_key, id, search_key);

-- The secretariat's filters by status, and status with qualification.
CREATE INDEX enrolments_by_status ON enrolments (status, qualification_id);

-- A search looks for words anywhere in the search key: a trigram index finds them without
-- reading every candidate. It needs the pg_trgm extension (shipped with PostgreSQL, trusted:
-- the database's owner may create it). Where it cannot be created, the search reads the table,
-- more slowly, and nothing else changes.
-- +goose StatementBegin
DO $$
DECLARE
    trgm_schema text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm cannot be created (%): the candidates search reads the table', SQLERRM;
    END;
    SELECT n.nspname INTO trgm_schema
    FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        BEGIN
            EXECUTE format('CREATE INDEX candidates_by_search_key ON candidates USING gin (search_key %I.gin_trgm_ops)', trgm_schema);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pg_trgm is not usable here (%): the candidates search reads the table', SQLERRM;
        END;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS candidates_by_search_key;
DROP INDEX enrolments_by_status;
DROP INDEX candidates_by_name;
