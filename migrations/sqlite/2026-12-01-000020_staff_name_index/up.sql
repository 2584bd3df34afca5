-- Name search without reading every staff row: a trigram full-text index
-- (FTS5) of the Turkish-folded name, with the staff table as its content,
-- kept by triggers. `staff_names.search_name LIKE '%fragment%'` reads the
-- index for fragments of three or more characters.
CREATE VIRTUAL TABLE staff_names USING fts5(
  search_name,
  content = 'staff',
  content_rowid = 'id',
  tokenize = 'trigram'
);
INSERT INTO staff_names (staff_names) VALUES ('rebuild');

CREATE TRIGGER staff_names_insert AFTER INSERT ON staff BEGIN
  INSERT INTO staff_names (rowid, search_name) VALUES (new.id, new.search_name);
END;

CREATE TRIGGER staff_names_delete AFTER DELETE ON staff BEGIN
  INSERT INTO staff_names (staff_names, rowid, search_name)
    VALUES ('delete', old.id, old.search_name);
END;

CREATE TRIGGER staff_names_update AFTER UPDATE OF search_name ON staff BEGIN
  INSERT INTO staff_names (staff_names, rowid, search_name)
    VALUES ('delete', old.id, old.search_name);
  INSERT INTO staff_names (rowid, search_name) VALUES (new.id, new.search_name);
END;
