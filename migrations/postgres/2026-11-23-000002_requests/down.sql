DROP TABLE imports;
DROP TABLE request_history;
DROP TABLE requests;
DROP TABLE batches;
DROP TABLE staff;
