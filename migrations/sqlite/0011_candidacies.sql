-- Calls, candidacies and the commission's work on them.
--
-- `calls`: the calls this instance (a hub) holds; `ap_id` is the call's collection, the
-- `target` of Offers. `criteria`: the criteria in use, comma-separated codes.
CREATE TABLE calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    deadline TEXT NOT NULL,
    criteria TEXT NOT NULL,
    exclude_same_organization BOOLEAN NOT NULL,
    closed BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One candidacy per Offer, on both sides: on the hub (`call_id` set: the call is ours) and on
-- the proposing instance (`call_id` NULL; the call is known by its URL and title).
-- `ap_id`: the hub's id of the candidacy (the origin learns it from the first Update).
-- `hub_inbox`: where the origin sends the Offer and its Updates. `form`: the candidacy form
-- (JSON). `decision`: the reasons and scores of the decision (JSON). `hub_step`: on the
-- origin, the step of the hub's latest Update applied (deliveries run in parallel: an older
-- step arriving late is ignored).
CREATE TABLE candidacies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    offer_id TEXT NOT NULL UNIQUE,
    ap_id TEXT,
    call_id BIGINT REFERENCES calls (id),
    call_ap_id TEXT NOT NULL,
    call_title TEXT NOT NULL,
    hub_inbox TEXT,
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    organization_id BIGINT NOT NULL REFERENCES actors (id),
    form TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT,
    decision TEXT,
    hub_step BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX candidacies_practice ON candidacies (practice_id);
CREATE INDEX candidacies_call ON candidacies (call_id);

-- The self-assessment questionnaire (PerForma PA): on the proposing instance only, never sent.
CREATE TABLE self_assessments (
    candidacy_id BIGINT PRIMARY KEY REFERENCES candidacies (id),
    answers TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Reviewers assigned to a candidacy (local users with the role reviewer), and their reviews:
-- `scores` is JSON, per criterion `{score, reason}`.
CREATE TABLE candidacy_reviewers (
    candidacy_id BIGINT NOT NULL REFERENCES candidacies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (candidacy_id, user_id)
);
CREATE TABLE candidacy_reviews (
    candidacy_id BIGINT NOT NULL REFERENCES candidacies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    scores TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (candidacy_id, user_id)
);

-- Every step of a candidacy, with who did it (a username here, or an actor's id) and when.
CREATE TABLE candidacy_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    candidacy_id BIGINT NOT NULL REFERENCES candidacies (id),
    step TEXT NOT NULL,
    status TEXT,
    message TEXT,
    who TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX candidacy_history_candidacy ON candidacy_history (candidacy_id, id);

-- Recognitions of a practice by a call's commission: on the origin (from the hub's Accept)
-- and on the hub itself (`local`: recognised here, listed in `/actor/recognised`).
-- `scores`: JSON, per criterion the mean and each review.
CREATE TABLE recognitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    offer_id TEXT NOT NULL UNIQUE,
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    call_ap_id TEXT NOT NULL,
    call_title TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    reasons TEXT NOT NULL,
    scores TEXT NOT NULL,
    recognised_at TEXT NOT NULL
);
CREATE INDEX recognitions_practice ON recognitions (practice_id);
