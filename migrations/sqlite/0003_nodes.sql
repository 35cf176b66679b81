-- Received activities are leased to the process applying them, by its node name, like the
-- delivery streams: a process restarting under its name takes its own leases back at once.
ALTER TABLE inbox_activities ADD COLUMN lease_owner TEXT;

-- Local actors are looked up by handle without regard to case (WebFinger, actor URLs, every
-- GET of an actor document): an index on the folded handle, not a scan of every actor.
CREATE INDEX actors_local_username_folded ON actors (LOWER(username)) WHERE local;
