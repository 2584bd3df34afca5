-- Reports of "bilgim dışında" are few: an index keeps their count and tab
-- off a full scan of the request history. (Not a partial index: SQLite
-- cannot use one for the bound parameter in `flagged = ?`.)
CREATE INDEX requests_flagged ON requests (flagged, id);
