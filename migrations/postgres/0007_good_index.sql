-- Running totals of a practice's counted endorsements, per class of endorser (`peer`,
-- `citizen`) and the instance (host[:port]) they come from, in exact units: weights in
-- halves (a verified citizen 1, a verified peer 2), squared weights in quarters. The good
-- index is recomputed from these few rows, never from the endorsements themselves.
CREATE TABLE index_totals (
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    class TEXT NOT NULL,
    instance TEXT NOT NULL,
    weight BIGINT NOT NULL,
    positive BIGINT NOT NULL,
    squares BIGINT NOT NULL,
    PRIMARY KEY (practice_id, class, instance)
);

-- A practice's good index as last computed here, with the counts observed here.
-- `pending_since`: a local practice's index changed since its Article last went out
-- (`sent_at`); an Update follows at most once a minute. `owner_figure`: a remote practice's
-- `goodIndex` as its owner published it (JSON), which is authoritative.
CREATE TABLE practice_index (
    practice_id BIGINT PRIMARY KEY REFERENCES practices (id),
    g_peer DOUBLE PRECISION NOT NULL DEFAULT 0,
    g_citizen DOUBLE PRECISION NOT NULL DEFAULT 0,
    combined DOUBLE PRECISION NOT NULL DEFAULT 0,
    positive BIGINT NOT NULL DEFAULT 0,
    negative BIGINT NOT NULL DEFAULT 0,
    verified BIGINT NOT NULL DEFAULT 0,
    unverified BIGINT NOT NULL DEFAULT 0,
    counted BIGINT NOT NULL DEFAULT 0,
    changed_at BIGINT NOT NULL,
    pending_since BIGINT,
    sent_at BIGINT,
    owner_figure TEXT
);
CREATE INDEX practice_index_pending ON practice_index (pending_since);

-- A manager who opted in to the ranking of managers (PATCH /api/v1/me {"ranked": true}).
ALTER TABLE users ADD COLUMN ranked BOOLEAN NOT NULL DEFAULT FALSE;
