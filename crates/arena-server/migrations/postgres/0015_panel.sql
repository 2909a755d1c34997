-- The invited citizens' panel of an evaluation round (see migrations/sqlite/0015 for the same
-- in SQLite): batches of single-use codes (only the SHA-256 of a code's bytes stored), and the
-- panelists who redeemed them, each a random pseudonym with a coarse, optional profile.
CREATE TABLE invitation_batches (
    id            BIGSERIAL PRIMARY KEY,
    round_id      BIGINT NOT NULL REFERENCES rounds (id),
    -- The quota cell the codes are for, as the operator named it; '' for none.
    cell          TEXT NOT NULL,
    size          BIGINT NOT NULL CHECK (size > 0),
    created_at_ms BIGINT NOT NULL
);
CREATE TABLE invitations (
    code_sha256   TEXT COLLATE "C" PRIMARY KEY,
    batch_id      BIGINT NOT NULL REFERENCES invitation_batches (id),
    position      BIGINT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('unused', 'redeemed', 'revoked')),
    changed_at_ms BIGINT
);
CREATE INDEX invitations_batch ON invitations (batch_id, position);
CREATE TABLE panelists (
    id            TEXT COLLATE "C" PRIMARY KEY,
    round_id      BIGINT NOT NULL REFERENCES rounds (id),
    batch_id      BIGINT NOT NULL REFERENCES invitation_batches (id),
    age_band      TEXT,
    sex           TEXT,
    region        TEXT,
    ai_use        TEXT,
    joined_at_ms  BIGINT NOT NULL,
    revoked_at_ms BIGINT
);
CREATE INDEX panelists_round ON panelists (round_id);

-- 1: cast by an invited panelist (its voter_id is the panelist's pseudonym); tabulated apart.
ALTER TABLE votes ADD COLUMN panel BIGINT NOT NULL DEFAULT 0;
