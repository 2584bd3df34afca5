DROP INDEX staff_search_name_trgm;
