DROP INDEX requests_flagged;
