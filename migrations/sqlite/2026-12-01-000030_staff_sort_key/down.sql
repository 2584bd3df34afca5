DROP INDEX staff_unit_sort;
ALTER TABLE staff DROP COLUMN sort_name;
