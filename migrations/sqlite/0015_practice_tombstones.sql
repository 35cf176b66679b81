-- Remote practices known to be deleted at their origin though never held here: the
-- instance actor of their host announced them answering 410 (the relay of a deletion). A
-- copy that arrives afterwards (an outbox page read before the deletion) is refused.
CREATE TABLE practice_tombstones (
    ap_id TEXT PRIMARY KEY,
    deleted_at TEXT NOT NULL
);
