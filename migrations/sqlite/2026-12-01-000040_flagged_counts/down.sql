DROP TRIGGER request_counts_update;
DROP TRIGGER request_counts_delete;
DROP TRIGGER request_counts_insert;
ALTER TABLE request_counts DROP COLUMN flagged;

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

CREATE INDEX requests_flagged_unit ON requests (flagged, unit_id);
