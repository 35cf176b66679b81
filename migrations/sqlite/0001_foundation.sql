-- Actors: the instance actor, organisations, topics and persons, local and remote.
CREATE TABLE actors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    username TEXT NOT NULL,
    domain TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    name TEXT,
    summary TEXT,
    url TEXT,
    icon_url TEXT,
    inbox TEXT NOT NULL,
    shared_inbox TEXT,
    outbox TEXT,
    followers_url TEXT,
    following_url TEXT,
    public_key_id TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT,
    ipa_code TEXT,
    level TEXT,
    region TEXT,
    website TEXT,
    manually_approves BOOLEAN NOT NULL DEFAULT FALSE,
    published TEXT NOT NULL,
    last_refreshed_at TEXT NOT NULL
);
CREATE UNIQUE INDEX actors_local_username ON actors (username) WHERE local;
CREATE INDEX actors_public_key_id ON actors (public_key_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id BIGINT NOT NULL UNIQUE REFERENCES actors (id),
    role TEXT NOT NULL,
    organization_id BIGINT REFERENCES actors (id),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- Who follows whom, in both directions (local follower of remote, remote follower of local).
CREATE TABLE follows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    follower_id BIGINT NOT NULL REFERENCES actors (id),
    target_id BIGINT NOT NULL REFERENCES actors (id),
    activity_id TEXT NOT NULL,
    accepted BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (follower_id, target_id)
);
CREATE INDEX follows_target ON follows (target_id, id);

-- Activities this instance authored, kept for the outbox and for delivery.
CREATE TABLE activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id BIGINT NOT NULL REFERENCES actors (id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX activities_actor ON activities (actor_id, id);

-- Outgoing queue: one row per (activity, inbox); ordered per destination by id.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    inbox TEXT NOT NULL,
    destination TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (activity_id, inbox)
);
CREATE INDEX deliveries_destination ON deliveries (destination, id);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at);

-- Deliveries that ended (delivered or given up), for metrics and admins.
CREATE TABLE delivery_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_ap_id TEXT NOT NULL,
    inbox TEXT NOT NULL,
    destination TEXT NOT NULL,
    outcome TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    detail TEXT,
    finished_at BIGINT NOT NULL
);

-- What we know of each remote instance, for back-off and dead-instance detection.
-- The lease makes one process at a time own an instance's delivery stream, which keeps it
-- ordered and never sends a delivery twice at once; it is taken and released in short
-- statements, never held across network I/O as a row lock.
CREATE TABLE instances (
    domain TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0,
    failing_since BIGINT,
    backoff_until BIGINT NOT NULL DEFAULT 0,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    last_success_at BIGINT,
    last_error TEXT,
    last_seen_at BIGINT
);

-- Incoming queue: verified raw activities, deduplicated by id, applied by a worker.
CREATE TABLE inbox_activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    received_at BIGINT NOT NULL
);
CREATE INDEX inbox_activities_due ON inbox_activities (state, next_attempt_at);
