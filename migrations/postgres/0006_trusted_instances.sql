-- Instances whose administration accounts count as peers in the good index (this instance
-- always does, without a row). `source` is who added an entry: `admin`, or the URL of a
-- subscribed list.
CREATE TABLE trusted_instances (
    host TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    added_at BIGINT NOT NULL
);

-- Other instances' public lists this one follows (the national hub's, say), refreshed hourly:
-- their entries are kept with the list's URL as their source.
CREATE TABLE trusted_subscriptions (
    url TEXT PRIMARY KEY,
    added_at BIGINT NOT NULL,
    refreshed_at BIGINT,
    last_error TEXT
);
