-- One number that moves with every committed change to the tables the list
-- pages (reviewers' queue, officers' lists, staff list) read: requests,
-- staff, units and settings. A page kept in memory is served again only
-- while this number is the one it was read at. A new list page that is kept
-- in memory must add the tables it reads here.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);

-- Deferred to the commit, and once per transaction (a transaction-local
-- setting marks it done): the row is locked only at the very end, after
-- every other lock the transaction takes, so it adds no deadlock, and a bulk
-- insert updates it once, not once per row.
CREATE FUNCTION data_version_bump() RETURNS trigger AS $$
BEGIN
    IF current_setting('mobilimza.data_version_bumped', true) IS DISTINCT FROM 'y' THEN
        UPDATE data_version SET n = n + 1 WHERE id = 1;
        PERFORM set_config('mobilimza.data_version_bumped', 'y', true);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER requests_data_version AFTER INSERT OR UPDATE OR DELETE ON requests
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();

CREATE CONSTRAINT TRIGGER staff_data_version AFTER INSERT OR UPDATE OR DELETE ON staff
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();

CREATE CONSTRAINT TRIGGER units_data_version AFTER INSERT OR UPDATE OR DELETE ON units
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();

CREATE CONSTRAINT TRIGGER settings_data_version AFTER INSERT OR UPDATE OR DELETE ON settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
