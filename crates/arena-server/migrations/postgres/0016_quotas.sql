-- A round's quotas (see migrations/sqlite/0016 for the same in SQLite): the panel's target size
-- and the population margins the operator uploaded, replaced whole by every upload.
CREATE TABLE round_quotas (
    round_id      BIGINT PRIMARY KEY REFERENCES rounds (id),
    target        BIGINT NOT NULL CHECK (target >= 0),
    updated_at_ms BIGINT NOT NULL
);
CREATE TABLE round_margins (
    round_id  BIGINT NOT NULL REFERENCES rounds (id),
    dimension TEXT COLLATE "C" NOT NULL,
    level     TEXT COLLATE "C" NOT NULL,
    share     DOUBLE PRECISION NOT NULL CHECK (share >= 0 AND share <= 1),
    PRIMARY KEY (round_id, dimension, level)
);
-- The quota page counts each cell's panelists and their votes.
CREATE INDEX votes_panel_voter ON votes (round_id, voter_id) WHERE panel = 1;
