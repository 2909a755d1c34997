-- The arena on PostgreSQL: the same catalogue and votes as the SQLite store (migrations/sqlite),
-- in PostgreSQL's types. No personal data: a voter is a random id the server signs, an address
-- only a keyed hash whose key changes daily.

CREATE TABLE models (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE prompts (
    id       TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    text     TEXT NOT NULL
);
CREATE INDEX prompts_category ON prompts (category);

-- An answer that names its model or maker is not drawn unless an operator allows it.
CREATE TABLE answers (
    prompt_id     TEXT NOT NULL REFERENCES prompts (id),
    model_id      TEXT NOT NULL REFERENCES models (id),
    text          TEXT NOT NULL,
    identity_leak TEXT,
    leak_allowed  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (prompt_id, model_id)
);

-- One row per battle voted on; the battle id comes from the signed token, so a battle is stored
-- once. `flags` says why a vote does not count ('' when it does); votes are never deleted.
CREATE TABLE votes (
    battle_id    TEXT PRIMARY KEY,
    prompt_id    TEXT NOT NULL REFERENCES prompts (id),
    category     TEXT NOT NULL,
    model_a      TEXT NOT NULL REFERENCES models (id),
    model_b      TEXT NOT NULL REFERENCES models (id),
    choice       TEXT NOT NULL CHECK (choice IN ('a', 'b', 'tie', 'both_bad')),
    voter_id     TEXT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    voted_at_ms  BIGINT NOT NULL,
    elapsed_ms   BIGINT NOT NULL,
    address_hash TEXT,
    flags        TEXT NOT NULL DEFAULT '',
    min_read_ms  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX votes_voted_at ON votes (voted_at_ms);
CREATE INDEX votes_voter_time ON votes (voter_id, voted_at_ms);
CREATE INDEX votes_address_time ON votes (address_hash, voted_at_ms) WHERE address_hash IS NOT NULL;
CREATE INDEX votes_counted ON votes (category, model_a, model_b, choice) WHERE flags = '';
CREATE INDEX votes_flagged ON votes (category, flags) WHERE flags <> '';
CREATE INDEX votes_hashed_time ON votes (voted_at_ms) WHERE address_hash IS NOT NULL;

-- One random key per UTC day for hashing addresses, shared by every server; deleted two days on.
CREATE TABLE address_keys (
    day BIGINT PRIMARY KEY,
    key BYTEA NOT NULL
);
