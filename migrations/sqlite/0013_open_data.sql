-- The open-data exports answer every request with the catalogue's version (ETag and
-- Last-Modified): its latest change is read from the top of this index, not from a scan of
-- every practice (on SQLite, of every record, which precedes the column in the row).
CREATE INDEX practices_updated ON practices (updated_at);
