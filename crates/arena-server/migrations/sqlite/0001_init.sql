-- The arena's catalogue (models, prompts, their answers) and the votes cast on it.
-- No personal data: a voter is a random id from a cookie.

CREATE TABLE models (
    id   TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE prompts (
    id       TEXT PRIMARY KEY NOT NULL,
    category TEXT NOT NULL,
    text     TEXT NOT NULL
);
CREATE INDEX prompts_category ON prompts (category);

CREATE TABLE answers (
    prompt_id TEXT NOT NULL REFERENCES prompts (id),
    model_id  TEXT NOT NULL REFERENCES models (id),
    text      TEXT NOT NULL,
    PRIMARY KEY (prompt_id, model_id)
);

-- One row per battle that was voted on; the battle id comes from the signed token, so a
-- battle can be stored once only.
CREATE TABLE votes (
    battle_id    TEXT PRIMARY KEY NOT NULL,
    prompt_id    TEXT NOT NULL REFERENCES prompts (id),
    category     TEXT NOT NULL,
    model_a      TEXT NOT NULL REFERENCES models (id),
    model_b      TEXT NOT NULL REFERENCES models (id),
    choice       TEXT NOT NULL CHECK (choice IN ('a', 'b', 'tie', 'both_bad')),
    voter_id     TEXT NOT NULL,
    issued_at_ms INTEGER NOT NULL,
    voted_at_ms  INTEGER NOT NULL,
    -- Time from showing the battle to the vote; very fast votes are a signal of abuse.
    elapsed_ms   INTEGER NOT NULL
);
CREATE INDEX votes_voter ON votes (voter_id);
CREATE INDEX votes_voted_at ON votes (voted_at_ms);
