-- Search: what changed for the search index, and who this database is.
--
-- `search_changes`: one row per change that a search index must see (a practice stored,
-- edited, published, deleted, recognised or re-scored), written in the same transaction as
-- the change. Every process keeps its own index and polls past the last `seq` it indexed;
-- rows older than a day are pruned, and a process left behind the oldest kept row rebuilds.
-- `changed_at`: milliseconds since the epoch.
CREATE TABLE search_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id BIGINT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX search_changes_time ON search_changes (changed_at);

-- One row: a random identity of this database, written by the first process to need it. An
-- index built from another database (restored, recreated) is stale and rebuilt.
CREATE TABLE search_identity (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    identity TEXT NOT NULL
);
