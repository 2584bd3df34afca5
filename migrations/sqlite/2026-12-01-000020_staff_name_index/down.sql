DROP TRIGGER staff_names_update;
DROP TRIGGER staff_names_delete;
DROP TRIGGER staff_names_insert;
DROP TABLE staff_names;
