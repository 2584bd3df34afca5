DROP TABLE billing_lines;
DROP TABLE billing_months;
DROP INDEX requests_activated;
ALTER TABLE requests DROP COLUMN ended_at;
