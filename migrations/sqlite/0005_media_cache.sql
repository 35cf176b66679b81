-- Other instances' media, fetched on first view and served from here so that pages never make
-- a reader's browser contact another host. One row per remote URL; `file_name` is NULL while
-- the last fetch failed (kept, with its error, so a broken URL is not fetched on every view).
-- Evicted least recently used first when the cache outgrows its setting.
CREATE TABLE media_cache (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    file_name TEXT UNIQUE,
    media_type TEXT,
    kind TEXT,
    size BIGINT NOT NULL DEFAULT 0,
    sha256 TEXT,
    error TEXT,
    fetched_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL
);
CREATE INDEX media_cache_last_used ON media_cache (last_used_at) WHERE file_name IS NOT NULL;
