-- Whole instances this one follows (the national hub following the regions): its instance
-- actor follows theirs (the row in `follows` says pending or accepted), and walks their
-- `/actor/outbox` once to backfill what they published before. The walk keeps its cursor
-- (`next_page`, the page to read next; NULL before the first) and its progress after every
-- page, so a restart resumes where it stopped; it is leased to one process at a time, like
-- the queues.
CREATE TABLE instance_follows (
    id BIGSERIAL PRIMARY KEY,
    target_id BIGINT NOT NULL UNIQUE REFERENCES actors (id),
    created_at TIMESTAMPTZ NOT NULL,
    next_page TEXT,
    total BIGINT,
    pages BIGINT NOT NULL DEFAULT 0,
    items BIGINT NOT NULL DEFAULT 0,
    errors BIGINT NOT NULL DEFAULT 0,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    last_error TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0
);

-- Objects a walk could not fetch or store, with their error, retried with back-off
-- (`next_attempt_at` NULL: given up, still listed) until stored or gone.
CREATE TABLE backfill_failures (
    id BIGSERIAL PRIMARY KEY,
    follow_id BIGINT NOT NULL REFERENCES instance_follows (id) ON DELETE CASCADE,
    object_id TEXT NOT NULL,
    error TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT,
    UNIQUE (follow_id, object_id)
);
CREATE INDEX backfill_failures_due ON backfill_failures (next_attempt_at);
