-- Comments on practices: local ones and those received from other instances, threaded by
-- `parent_id` (NULL: a reply to the practice itself). `context` is the thread's collection
-- (FEP-7888) as the practice's instance names it. A deleted comment keeps its row (its URL
-- answers 410, its replies keep their place) with its content emptied.
CREATE TABLE comments (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    parent_id BIGINT REFERENCES comments (id),
    author_id BIGINT NOT NULL REFERENCES actors (id),
    content TEXT NOT NULL,
    stance TEXT,
    local BOOLEAN NOT NULL,
    context TEXT,
    url TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    edited_at TIMESTAMPTZ,
    deleted_at TIMESTAMPTZ
);
CREATE INDEX comments_practice ON comments (practice_id, id);
CREATE INDEX comments_parent ON comments (parent_id, id);

-- The thread collection (`context`) a remote practice's Article names, and when this
-- instance last read it to backfill the comments it lacked (FEP-f228).
CREATE TABLE practice_threads (
    practice_id BIGINT PRIMARY KEY REFERENCES practices (id),
    context TEXT NOT NULL,
    backfilled_at TIMESTAMPTZ
);
