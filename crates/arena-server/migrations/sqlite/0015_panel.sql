-- The invited citizens' panel of an evaluation round (arena_core::panel). An operator makes
-- batches of single-use codes; a code's 16 bytes derive from the server secret, the batch and
-- the code's place in it (so a batch can be downloaded again), and only the SHA-256 of those
-- bytes is stored, to find a typed code. Redeeming a code makes a panelist: a random pseudonym
-- with the coarse, optional profile the person gave — never the code, never a name.
CREATE TABLE invitation_batches (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    -- The quota cell the codes are for, as the operator named it; '' for none.
    cell          TEXT NOT NULL,
    size          INTEGER NOT NULL CHECK (size > 0),
    created_at_ms INTEGER NOT NULL
);
CREATE TABLE invitations (
    code_sha256   TEXT PRIMARY KEY,
    batch_id      INTEGER NOT NULL REFERENCES invitation_batches (id),
    position      INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('unused', 'redeemed', 'revoked')),
    changed_at_ms INTEGER
);
CREATE INDEX invitations_batch ON invitations (batch_id, position);
CREATE TABLE panelists (
    id            TEXT PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    batch_id      INTEGER NOT NULL REFERENCES invitation_batches (id),
    age_band      TEXT,
    sex           TEXT,
    region        TEXT,
    ai_use        TEXT,
    joined_at_ms  INTEGER NOT NULL,
    revoked_at_ms INTEGER
);
CREATE INDEX panelists_round ON panelists (round_id);

-- 1: cast by an invited panelist (its voter_id is the panelist's pseudonym); tabulated apart.
ALTER TABLE votes ADD COLUMN panel INTEGER NOT NULL DEFAULT 0;
