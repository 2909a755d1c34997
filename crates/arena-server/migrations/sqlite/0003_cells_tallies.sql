-- Cost that does not grow with the votes: what a leaderboard refresh and a daily cap read is
-- kept up to date in the vote's own transaction, so reading it costs the number of cells, not
-- the number of votes.

-- Counted votes per (category, left model, right model, choice): exactly the rows of
-- `SELECT ..., COUNT(*) FROM votes WHERE flags = '' GROUP BY ...`, kept by the triggers below.
CREATE TABLE vote_cells (
    category TEXT NOT NULL,
    model_a  TEXT NOT NULL,
    model_b  TEXT NOT NULL,
    choice   TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (category, model_a, model_b, choice)
) WITHOUT ROWID;

-- Votes left out, per category and first reason.
CREATE TABLE excluded_cells (
    category TEXT NOT NULL,
    reason   TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (category, reason)
) WITHOUT ROWID;

INSERT INTO vote_cells
    SELECT category, model_a, model_b, choice, COUNT(*) FROM votes WHERE flags = ''
    GROUP BY category, model_a, model_b, choice;
INSERT INTO excluded_cells
    SELECT category,
           CASE WHEN instr(flags, ',') > 0 THEN substr(flags, 1, instr(flags, ',') - 1)
                ELSE flags END,
           COUNT(*)
    FROM votes WHERE flags <> '' GROUP BY 1, 2;

CREATE TRIGGER votes_cell_insert_counted AFTER INSERT ON votes WHEN NEW.flags = '' BEGIN
    INSERT INTO vote_cells VALUES (NEW.category, NEW.model_a, NEW.model_b, NEW.choice, 1)
        ON CONFLICT (category, model_a, model_b, choice) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER votes_cell_insert_excluded AFTER INSERT ON votes WHEN NEW.flags <> '' BEGIN
    INSERT INTO excluded_cells VALUES (
        NEW.category,
        CASE WHEN instr(NEW.flags, ',') > 0 THEN substr(NEW.flags, 1, instr(NEW.flags, ',') - 1)
             ELSE NEW.flags END,
        1)
        ON CONFLICT (category, reason) DO UPDATE SET count = count + 1;
END;

-- A vote's flags change (the audit flags it, or an operator clears it): move it between cells.
CREATE TRIGGER votes_cell_update AFTER UPDATE OF flags, category, model_a, model_b, choice ON votes
WHEN OLD.flags IS NOT NEW.flags OR OLD.category IS NOT NEW.category
  OR OLD.model_a IS NOT NEW.model_a OR OLD.model_b IS NOT NEW.model_b OR OLD.choice IS NOT NEW.choice
BEGIN
    UPDATE vote_cells SET count = count - 1
        WHERE OLD.flags = '' AND category = OLD.category AND model_a = OLD.model_a
          AND model_b = OLD.model_b AND choice = OLD.choice;
    UPDATE excluded_cells SET count = count - 1
        WHERE OLD.flags <> '' AND category = OLD.category
          AND reason = CASE WHEN instr(OLD.flags, ',') > 0
                            THEN substr(OLD.flags, 1, instr(OLD.flags, ',') - 1) ELSE OLD.flags END;
    INSERT INTO vote_cells SELECT NEW.category, NEW.model_a, NEW.model_b, NEW.choice, 1
        WHERE NEW.flags = ''
        ON CONFLICT (category, model_a, model_b, choice) DO UPDATE SET count = count + 1;
    INSERT INTO excluded_cells SELECT NEW.category,
            CASE WHEN instr(NEW.flags, ',') > 0 THEN substr(NEW.flags, 1, instr(NEW.flags, ',') - 1)
                 ELSE NEW.flags END,
            1
        WHERE NEW.flags <> ''
        ON CONFLICT (category, reason) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER votes_cell_delete AFTER DELETE ON votes BEGIN
    UPDATE vote_cells SET count = count - 1
        WHERE OLD.flags = '' AND category = OLD.category AND model_a = OLD.model_a
          AND model_b = OLD.model_b AND choice = OLD.choice;
    UPDATE excluded_cells SET count = count - 1
        WHERE OLD.flags <> '' AND category = OLD.category
          AND reason = CASE WHEN instr(OLD.flags, ',') > 0
                            THEN substr(OLD.flags, 1, instr(OLD.flags, ',') - 1) ELSE OLD.flags END;
END;

-- Counted votes per voter and per address hash ('v:' or 'a:' and the id) per hour since the
-- epoch, for the daily caps: a vote adds to its hour in its own transaction, and a cap reads at
-- most 25 rows. Rows older than two days are deleted with the address hashes' retention sweep.
CREATE TABLE vote_tallies (
    key   TEXT NOT NULL,
    hour  INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, hour)
) WITHOUT ROWID;

-- A counted vote adds to its hour's tallies in its own statement (a cap decided before the
-- INSERT, inside the one writer's transaction, so no race passes it).
CREATE TRIGGER votes_tally AFTER INSERT ON votes WHEN NEW.flags = '' BEGIN
    INSERT INTO vote_tallies VALUES ('v:' || NEW.voter_id, NEW.voted_at_ms / 3600000, 1)
        ON CONFLICT (key, hour) DO UPDATE SET count = count + 1;
    INSERT INTO vote_tallies SELECT 'a:' || NEW.address_hash, NEW.voted_at_ms / 3600000, 1
        WHERE NEW.address_hash IS NOT NULL
        ON CONFLICT (key, hour) DO UPDATE SET count = count + 1;
END;

INSERT INTO vote_tallies
    SELECT 'v:' || voter_id, voted_at_ms / 3600000, COUNT(*) FROM votes
    WHERE flags = '' AND voted_at_ms >= (CAST(strftime('%s', 'now') AS INTEGER) - 2 * 86400) * 1000
    GROUP BY 1, 2;
INSERT INTO vote_tallies
    SELECT 'a:' || address_hash, voted_at_ms / 3600000, COUNT(*) FROM votes
    WHERE flags = '' AND address_hash IS NOT NULL
      AND voted_at_ms >= (CAST(strftime('%s', 'now') AS INTEGER) - 2 * 86400) * 1000
    GROUP BY 1, 2;

-- The catalogue's version: every import or permission change adds one, so each server knows
-- when to reload what it draws battles from (without scanning the prompts per battle).
CREATE TABLE catalogue_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalogue_version VALUES (1, 1);

-- The cap and the counting indexes are not needed any more: the cells and tallies answer.
DROP INDEX votes_counted;
DROP INDEX votes_flagged;
DROP INDEX votes_address_time;

-- Several servers on one database: one of them (the holder of this lease) recomputes the
-- leaderboard and publishes it here; the others serve what it published, so every server
-- answers with the same table and counts. A lease not renewed in time passes to another server.
CREATE TABLE leaderboard_lease (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    holder   TEXT NOT NULL,
    until_ms INTEGER NOT NULL
);
INSERT INTO leaderboard_lease VALUES (1, '', 0);

CREATE TABLE leaderboard_published (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at_ms INTEGER NOT NULL,
    body           BLOB NOT NULL
);
