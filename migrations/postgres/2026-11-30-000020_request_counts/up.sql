-- Requests per unit and state, kept in step with `requests` by triggers in
-- the same transaction as every change, so the queue's tab counts are read,
-- not counted. Unit 0 holds the totals over every unit (no unit has id 0).
-- Statement-level triggers: a bulk insert updates each count once, and the
-- counts are always changed in (unit_id, state) order, so two transactions
-- moving requests in opposite directions cannot deadlock on them.
CREATE TABLE request_counts (
    unit_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, state)
);

INSERT INTO request_counts (unit_id, state, n)
SELECT unit_id, state, COUNT(*) FROM requests GROUP BY unit_id, state;
INSERT INTO request_counts (unit_id, state, n)
SELECT 0, state, COUNT(*) FROM requests GROUP BY state;

CREATE FUNCTION request_counts_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO request_counts (unit_id, state, n)
    SELECT u, s, SUM(d) FROM (
        SELECT unit_id AS u, state AS s, 1 AS d FROM new_rows
        UNION ALL SELECT 0, state, 1 FROM new_rows
    ) k GROUP BY u, s ORDER BY u, s
    ON CONFLICT (unit_id, state) DO UPDATE SET n = request_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION request_counts_deleted() RETURNS trigger AS $$
BEGIN
    INSERT INTO request_counts (unit_id, state, n)
    SELECT u, s, SUM(d) FROM (
        SELECT unit_id AS u, state AS s, -1 AS d FROM old_rows
        UNION ALL SELECT 0, state, -1 FROM old_rows
    ) k GROUP BY u, s ORDER BY u, s
    ON CONFLICT (unit_id, state) DO UPDATE SET n = request_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION request_counts_updated() RETURNS trigger AS $$
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

CREATE TRIGGER request_counts_insert AFTER INSERT ON requests
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION request_counts_inserted();
CREATE TRIGGER request_counts_delete AFTER DELETE ON requests
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION request_counts_deleted();
CREATE TRIGGER request_counts_update AFTER UPDATE ON requests
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION request_counts_updated();
