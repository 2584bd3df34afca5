-- Name search without reading every staff row: a trigram index of the
-- Turkish-folded name, which `search_name LIKE '%fragment%'` uses.
-- (pg_trgm ships with PostgreSQL and is a trusted extension: the database
-- owner may create it.)
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX staff_search_name_trgm ON staff USING gin (search_name gin_trgm_ops);
