-- One number that moves with every committed change to the tables the list
-- pages (reviewers' queue, officers' lists, staff list) read: requests,
-- staff (and so its name index), units and settings. A page kept in memory
-- is served again only while this number is the one it was read at.
-- A new list page that is kept in memory must add the tables it reads here.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);

CREATE TRIGGER requests_version_insert AFTER INSERT ON requests
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER requests_version_update AFTER UPDATE ON requests
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER requests_version_delete AFTER DELETE ON requests
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER staff_version_insert AFTER INSERT ON staff
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER staff_version_update AFTER UPDATE ON staff
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER staff_version_delete AFTER DELETE ON staff
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER units_version_insert AFTER INSERT ON units
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER units_version_update AFTER UPDATE ON units
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER units_version_delete AFTER DELETE ON units
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER settings_version_insert AFTER INSERT ON settings
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER settings_version_update AFTER UPDATE ON settings
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER settings_version_delete AFTER DELETE ON settings
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
END;
