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

DROP TRIGGER request_counts_update;
DROP TRIGGER request_counts_delete;
DROP TRIGGER request_counts_insert;

CREATE TRIGGER request_counts_insert AFTER INSERT ON requests
BEGIN
    INSERT INTO request_counts (unit_id, state, n, flagged) VALUES (NEW.unit_id, NEW.state, 1, NEW.flagged)
        ON CONFLICT (unit_id, state) DO UPDATE SET n = n + 1, flagged = flagged + NEW.flagged;
    INSERT INTO request_counts (unit_id, state, n, flagged) VALUES (0, NEW.state, 1, NEW.flagged)
        ON CONFLICT (unit_id, state) DO UPDATE SET n = n + 1, flagged = flagged + NEW.flagged;
END;

CREATE TRIGGER request_counts_delete AFTER DELETE ON requests
BEGIN
    UPDATE request_counts SET n = n - 1, flagged = flagged - OLD.flagged
        WHERE (unit_id = OLD.unit_id OR unit_id = 0) AND state = OLD.state;
END;

CREATE TRIGGER request_counts_update AFTER UPDATE OF state, unit_id, flagged ON requests
WHEN OLD.state <> NEW.state OR OLD.unit_id <> NEW.unit_id OR OLD.flagged <> NEW.flagged
BEGIN
    UPDATE request_counts SET n = n - 1, flagged = flagged - OLD.flagged
        WHERE (unit_id = OLD.unit_id OR unit_id = 0) AND state = OLD.state;
    INSERT INTO request_counts (unit_id, state, n, flagged) VALUES (NEW.unit_id, NEW.state, 1, NEW.flagged)
        ON CONFLICT (unit_id, state) DO UPDATE SET n = n + 1, flagged = flagged + NEW.flagged;
    INSERT INTO request_counts (unit_id, state, n, flagged) VALUES (0, NEW.state, 1, NEW.flagged)
        ON CONFLICT (unit_id, state) DO UPDATE SET n = n + 1, flagged = flagged + NEW.flagged;
END;

-- The flagged count no longer reads the requests (this index's use).
DROP INDEX requests_flagged_unit;
