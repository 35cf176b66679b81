-- Accounts made on the web site: a citizen gives an e-mail address, confirmed through a link
-- (or, on an instance that sends no mail, the account waits for an admin's approval). Until
-- then `pending` is true and the account cannot log in.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX users_email ON users (email);

-- Browser sessions: the cookie's token is stored hashed, with the token its forms carry (CSRF)
-- and an expiry (milliseconds since the epoch). Log-out, a new password and disabling the
-- account delete them.
CREATE TABLE web_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- One-time links sent by e-mail (`confirm` an address, `reset` a password): hashed, expiring,
-- used once.
CREATE TABLE account_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX account_links_user ON account_links (user_id);
