-- Votes the abuse audit flagged that an operator reviewed and counts after all: which voter, for
-- which reason, and exactly which votes (so "leave them out again" restores them). The audit
-- does not flag such a voter for that reason again.
CREATE TABLE flag_overrides (
    voter_id TEXT NOT NULL,
    reason   TEXT NOT NULL,
    battles  TEXT NOT NULL,
    at_ms    BIGINT NOT NULL,
    operator TEXT NOT NULL,
    PRIMARY KEY (voter_id, reason)
);
CREATE INDEX votes_flagged_voter ON votes (voter_id) WHERE flags <> '';
