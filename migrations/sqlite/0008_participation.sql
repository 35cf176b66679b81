-- Proof of reading and endorsements.

-- A person's `prassi:organization` (their Organization's id): set for local managers and
-- reviewers, read from remote Person documents; citizens have none.
ALTER TABLE actors ADD COLUMN organization_ap_id TEXT;
UPDATE actors SET organization_ap_id = (
    SELECT o.ap_id FROM users u JOIN actors o ON o.id = u.organization_id
    WHERE u.actor_id = actors.id AND u.role IN ('manager', 'reviewer')
) WHERE local;

-- What a local person opened of a practice, per version (content digest) and part key:
-- when first and last. Reading is complete when every part of the current version is here
-- and the span from the first opening to the last is long enough.
CREATE TABLE reading_parts (
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    actor_id BIGINT NOT NULL REFERENCES actors (id),
    version TEXT NOT NULL,
    part TEXT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (practice_id, actor_id, version, part)
);

-- Completed readings: a local person's (recorded here, and sent as `Read` when the practice
-- is remote), or a remote person's `Read` of one of our practices. One per version.
CREATE TABLE reads (
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    actor_id BIGINT NOT NULL REFERENCES actors (id),
    version TEXT NOT NULL,
    activity_id TEXT,
    read_at BIGINT NOT NULL,
    PRIMARY KEY (practice_id, actor_id, version)
);

-- One endorsement per person and practice, whatever the activity ids. What the good index
-- counted for it is kept beside it (class, weight in halves, verified, instance), so that a
-- change takes exactly that back. `administration`: the person's organisation has an IPA
-- code on their own host (a peer when that host is trusted). `comment_ref`: the comment that
-- says why (its id or URL; no foreign key, comments live elsewhere).
CREATE TABLE endorsements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    actor_id BIGINT NOT NULL REFERENCES actors (id),
    positive BOOLEAN NOT NULL,
    activity_id TEXT NOT NULL,
    comment_ref TEXT,
    verified BOOLEAN NOT NULL,
    version TEXT,
    administration BOOLEAN NOT NULL,
    own_organisation BOOLEAN NOT NULL,
    class TEXT NOT NULL,
    weight BIGINT NOT NULL,
    instance TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (practice_id, actor_id)
);
CREATE INDEX endorsements_activity ON endorsements (activity_id);
CREATE INDEX endorsements_instance ON endorsements (instance, practice_id);
