-- The staff list pages in Turkish alphabetical order by an index: each
-- record keeps its name's sort code (domain::text::sort_code, hex text that
-- sorts byte by byte like the Turkish key). Filled for existing records when
-- the portal starts (it is computed in Rust).
ALTER TABLE staff ADD COLUMN sort_name TEXT COLLATE "C" NOT NULL DEFAULT '';
-- The folded name rides along, so a search within the officer's units is
-- also answered from the index.
CREATE INDEX staff_unit_sort ON staff (unit_id, sort_name, id, search_name);
