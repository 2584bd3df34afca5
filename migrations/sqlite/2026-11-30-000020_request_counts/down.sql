DROP TRIGGER request_counts_update;
DROP TRIGGER request_counts_delete;
DROP TRIGGER request_counts_insert;
DROP TABLE request_counts;
