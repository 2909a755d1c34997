-- A round's quotas (arena_core::panel): the panel's target size and the population margins the
-- operator uploaded (each level's share of its dimension), replaced whole by every upload.
CREATE TABLE round_quotas (
    round_id      INTEGER PRIMARY KEY REFERENCES rounds (id),
    target        INTEGER NOT NULL CHECK (target >= 0),
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE round_margins (
    round_id  INTEGER NOT NULL REFERENCES rounds (id),
    dimension TEXT NOT NULL,
    level     TEXT NOT NULL,
    share     REAL NOT NULL CHECK (share >= 0 AND share <= 1),
    PRIMARY KEY (round_id, dimension, level)
);
-- The quota page counts each cell's panelists and their votes.
CREATE INDEX votes_panel_voter ON votes (round_id, voter_id) WHERE panel = 1;
