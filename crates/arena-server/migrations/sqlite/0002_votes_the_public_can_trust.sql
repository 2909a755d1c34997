-- Votes the public can trust: who a vote came from (without knowing who anyone is), why a vote
-- is not counted, and answers that give their model away.

-- A keyed hash of the voter's network address (the key changes every day and is deleted after
-- two; see address_keys). NULL once the retention period has passed.
ALTER TABLE votes ADD COLUMN address_hash TEXT;
-- Why the vote is left out of the leaderboard: reasons separated by commas, '' when it counts.
-- Votes are never deleted, only flagged, so anyone can audit what was left out.
ALTER TABLE votes ADD COLUMN flags TEXT NOT NULL DEFAULT '';
-- The reading time this battle asked for, as sealed in its token.
ALTER TABLE votes ADD COLUMN min_read_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX votes_voter_time ON votes (voter_id, voted_at_ms);
CREATE INDEX votes_address_time ON votes (address_hash, voted_at_ms) WHERE address_hash IS NOT NULL;
CREATE INDEX votes_counted ON votes (category, model_a, model_b, choice) WHERE flags = '';

-- One random key per UTC day for hashing addresses; a day's key is deleted two days later, after
-- which no stored hash can be linked to an address any more, not even by the operator.
CREATE TABLE address_keys (
    day INTEGER PRIMARY KEY NOT NULL,
    key BLOB NOT NULL
);

-- An answer that names its model or maker ("저는 ChatGPT입니다") would tell the voter who wrote it;
-- such answers are not drawn unless an operator allows them.
ALTER TABLE answers ADD COLUMN identity_leak TEXT;
ALTER TABLE answers ADD COLUMN leak_allowed INTEGER NOT NULL DEFAULT 0;

-- The leaderboard's "left out, and why" and the retention sweep read only what they need.
CREATE INDEX votes_flagged ON votes (category, flags) WHERE flags <> '';
CREATE INDEX votes_hashed_time ON votes (voted_at_ms) WHERE address_hash IS NOT NULL;
