DROP TRIGGER requests_data_version ON requests;
DROP TRIGGER staff_data_version ON staff;
DROP TRIGGER units_data_version ON units;
DROP TRIGGER settings_data_version ON settings;
DROP FUNCTION data_version_bump();
DROP TABLE data_version;
