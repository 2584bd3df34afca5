DROP INDEX requests_ended;
DROP INDEX requests_live;
