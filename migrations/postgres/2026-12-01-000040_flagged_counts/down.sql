CREATE OR REPLACE FUNCTION request_counts_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO request_counts (unit_id, state, n)
    SELECT u, s, SUM(d) FROM (
        SELECT unit_id AS u, state AS s, 1 AS d FROM new_rows
        UNION ALL SELECT 0, state, 1 FROM new_rows
    ) k GROUP BY u, s ORDER BY u, s
    ON CONFLICT (unit_id, state) DO UPDATE SET n = request_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION request_counts_deleted() RETURNS trigger AS $$
BEGIN
    INSERT INTO request_counts (unit_id, state, n)
    SELECT u, s, SUM(d) FROM (
        SELECT unit_id AS u, state AS s, -1 AS d FROM old_rows
        UNION ALL SELECT 0, state, -1 FROM old_rows
    ) k GROUP BY u, s ORDER BY u, s
    ON CONFLICT (unit_id, state) DO UPDATE SET n = request_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION request_counts_updated() RETURNS trigger AS $$
BEGIN
    INSERT INTO request_counts (unit_id, state, n)
    SELECT u, s, SUM(d) FROM (
        SELECT n.unit_id AS u, n.state AS s, 1 AS d FROM new_rows n
        UNION ALL SELECT 0, n.state, 1 FROM new_rows n
        UNION ALL SELECT o.unit_id, o.state, -1 FROM old_rows o
        UNION ALL SELECT 0, o.state, -1 FROM old_rows o
    ) k GROUP BY u, s HAVING SUM(d) <> 0 ORDER BY u, s
    ON CONFLICT (unit_id, state) DO UPDATE SET n = request_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

ALTER TABLE request_counts DROP COLUMN flagged;

CREATE INDEX requests_flagged_unit ON requests (flagged, unit_id);
