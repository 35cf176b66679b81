-- Instances whose administration accounts count as peers in the good index (this instance
-- always does, without a row). `source` is who added an entry: `admin`, or the URL of a
-- subscribed list.
CREATE TABLE trusted_instances (
    host TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    added_at BIGINT NOT NULL
);
