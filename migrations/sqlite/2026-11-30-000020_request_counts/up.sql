-- Requests per unit and state, kept in step with `requests` by triggers in
-- the same transaction as every change, so the queue's tab counts are read,
-- not counted. Unit 0 holds the totals over every unit (no unit has id 0).
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

CREATE TRIGGER request_counts_insert AFTER INSERT ON requests
BEGIN
    INSERT INTO request_counts (unit_id, state, n) VALUES (NEW.unit_id, NEW.state, 1)
        ON CONFLICT (unit_id, state) DO UPDATE SET n = n + 1;
    INSERT INTO request_counts (unit_id, state, n) VALUES (0, NEW.state, 1)
        ON CONFLICT (unit_id, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER request_counts_delete AFTER DELETE ON requests
BEGIN
    UPDATE request_counts SET n = n - 1
        WHERE (unit_id = OLD.unit_id OR unit_id = 0) AND state = OLD.state;
END;

CREATE TRIGGER request_counts_update AFTER UPDATE OF state, unit_id ON requests
WHEN OLD.state <> NEW.state OR OLD.unit_id <> NEW.unit_id
BEGIN
    UPDATE request_counts SET n = n - 1
        WHERE (unit_id = OLD.unit_id OR unit_id = 0) AND state = OLD.state;
    INSERT INTO request_counts (unit_id, state, n) VALUES (NEW.unit_id, NEW.state, 1)
        ON CONFLICT (unit_id, state) DO UPDATE SET n = n + 1;
    INSERT INTO request_counts (unit_id, state, n) VALUES (0, NEW.state, 1)
        ON CONFLICT (unit_id, state) DO UPDATE SET n = n + 1;
END;
