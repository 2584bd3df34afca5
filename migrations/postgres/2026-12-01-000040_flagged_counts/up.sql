-- The flagged ("not mine") requests per unit and state, kept beside the
-- counts by the same triggers, so the queue's "Bildirilen" tab is read, not
-- counted.
ALTER TABLE request_counts ADD COLUMN flagged BIGINT NOT NULL DEFAULT 0;

-- (Each from the (flagged, unit_id) index, dropped below once used.)
UPDATE request_counts SET flagged = (
    SELECT COUNT(*) FROM requests r
    WHERE r.flagged AND r.unit_id = request_counts.unit_id AND r.state = request_counts.state
) WHERE unit_id <> 0;
UPDATE request_counts SET flagged = (
    SELECT COUNT(*) FROM requests r WHERE r.flagged AND r.state = request_counts.state
) WHERE unit_id = 0;

CREATE OR REPLACE FUNCTION request_counts_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO request_counts (unit_id, state, n, flagged)
    SELECT u, s, SUM(d), SUM(f) FROM (
        SELECT unit_id AS u, state AS s, 1 AS d, flagged::int AS f FROM new_rows
        UNION ALL SELECT 0, state, 1, flagged::int FROM new_rows
    ) k GROUP BY u, s ORDER BY u, s
    ON CONFLICT (unit_id, state) DO UPDATE
        SET n = request_counts.n + EXCLUDED.n, flagged = request_counts.flagged + EXCLUDED.flagged;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION request_counts_deleted() RETURNS trigger AS $$
BEGIN
    INSERT INTO request_counts (unit_id, state, n, flagged)
    SELECT u, s, SUM(d), SUM(f) FROM (
        SELECT unit_id AS u, state AS s, -1 AS d, -(flagged::int) AS f FROM old_rows
        UNION ALL SELECT 0, state, -1, -(flagged::int) FROM old_rows
    ) k GROUP BY u, s ORDER BY u, s
    ON CONFLICT (unit_id, state) DO UPDATE
        SET n = request_counts.n + EXCLUDED.n, flagged = request_counts.flagged + EXCLUDED.flagged;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION request_counts_updated() RETURNS trigger AS $$
BEGIN
    INSERT INTO request_counts (unit_id, state, n, flagged)
    SELECT u, s, SUM(d), SUM(f) FROM (
        SELECT n.unit_id AS u, n.state AS s, 1 AS d, n.flagged::int AS f FROM new_rows n
        UNION ALL SELECT 0, n.state, 1, n.flagged::int FROM new_rows n
        UNION ALL SELECT o.unit_id, o.state, -1, -(o.flagged::int) FROM old_rows o
        UNION ALL SELECT 0, o.state, -1, -(o.flagged::int) FROM old_rows o
    ) k GROUP BY u, s HAVING SUM(d) <> 0 OR SUM(f) <> 0 ORDER BY u, s
    ON CONFLICT (unit_id, state) DO UPDATE
        SET n = request_counts.n + EXCLUDED.n, flagged = request_counts.flagged + EXCLUDED.flagged;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- The flagged count no longer reads the requests (this index's use).
DROP INDEX requests_flagged_unit;
