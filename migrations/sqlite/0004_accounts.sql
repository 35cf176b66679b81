-- API tokens expire (milliseconds since the epoch). Tokens issued before this change get the
-- default lifetime, counted from now, rather than ending at once.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE api_tokens
SET expires_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + 2592000000;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- A disabled account cannot log in, and has no tokens. A deleted one has no password either,
-- and cannot be enabled again; its row stays for what refers to it (its uploads).
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
