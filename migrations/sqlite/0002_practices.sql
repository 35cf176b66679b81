-- Uploaded media (pictures, videos, documents, slides), stored as files under the data directory.
CREATE TABLE media (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uploader_id BIGINT NOT NULL REFERENCES users (id),
    organization_id BIGINT REFERENCES actors (id),
    file_name TEXT NOT NULL UNIQUE,
    media_type TEXT NOT NULL,
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    original_name TEXT,
    created_at TEXT NOT NULL
);

-- Practices, local (drafts and published) and received from other instances. The full record
-- is a JSON document; the columns beside it are what lists and filters need.
CREATE TABLE practices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES actors (id),
    author_id BIGINT REFERENCES actors (id),
    local BOOLEAN NOT NULL,
    origin TEXT NOT NULL,
    state TEXT NOT NULL,
    record TEXT NOT NULL,
    title TEXT NOT NULL,
    stage TEXT,
    sectors TEXT NOT NULL,
    language TEXT,
    content_digest TEXT,
    url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    deleted_at TEXT
);
CREATE INDEX practices_organization ON practices (organization_id, id);
CREATE INDEX practices_state ON practices (state, id);
CREATE INDEX practices_origin ON practices (origin, id);
