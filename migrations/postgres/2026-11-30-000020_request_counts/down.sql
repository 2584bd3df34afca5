DROP TRIGGER request_counts_update ON requests;
DROP TRIGGER request_counts_delete ON requests;
DROP TRIGGER request_counts_insert ON requests;
DROP FUNCTION request_counts_updated();
DROP FUNCTION request_counts_deleted();
DROP FUNCTION request_counts_inserted();
DROP TABLE request_counts;
