-- Published snapshots: a frozen leaderboard (every table and the counts behind it, as JSON) and
-- its battles (JSON Lines, the public export), at a stable id. Rows are only ever added.
CREATE TABLE snapshots (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT NOT NULL,
    published_at_ms INTEGER NOT NULL,
    operator        TEXT NOT NULL,
    total_votes     INTEGER NOT NULL,
    models          INTEGER NOT NULL,
    tables          TEXT NOT NULL,
    battles         TEXT NOT NULL,
    battles_sha256  TEXT NOT NULL
);
CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
BEGIN SELECT RAISE(ABORT, 'a published snapshot never changes'); END;
CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN SELECT RAISE(ABORT, 'a published snapshot never changes'); END;
