-- A vote's flags become a bit set (arena_core::Flag::bit; 0 when the vote counts), as its
-- reasons already are: "votes with flag X" is `flags & X <> 0` on the flagged votes' index, and
-- no query matches text. From here on only arena_core::Flag knows the codes; the conversion
-- below reads the comma-separated codes stored until now, once.

-- What reads the column goes first (SQLite drops no column an index or a trigger names).
DROP TRIGGER votes_cell_insert_counted;
DROP TRIGGER votes_cell_insert_excluded;
DROP TRIGGER votes_cell_update;
DROP TRIGGER votes_cell_delete;
DROP TRIGGER votes_tally;
DROP INDEX votes_reasons;
DROP INDEX votes_flagged_voter;

ALTER TABLE votes ADD COLUMN flag_bits INTEGER NOT NULL DEFAULT 0;
UPDATE votes SET flag_bits =
      (CASE WHEN ',' || flags || ',' LIKE '%,too_fast,%' THEN 1 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,voter_mismatch,%' THEN 2 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,voter_daily_cap,%' THEN 4 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,address_daily_cap,%' THEN 8 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,one_sided,%' THEN 16 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,campaign,%' THEN 32 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,new_voter_burst,%' THEN 64 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,model_campaign,%' THEN 128 ELSE 0 END)
WHERE flags <> '';
ALTER TABLE votes DROP COLUMN flags;
ALTER TABLE votes RENAME COLUMN flag_bits TO flags;

CREATE INDEX votes_reasons ON votes (category, model_a, model_b, choice, reasons)
    WHERE reasons <> 0 AND flags = 0;
CREATE INDEX votes_flagged_voter ON votes (voter_id) WHERE flags <> 0;
-- The flagged votes, newest first: what the operators' review reads.
CREATE INDEX votes_flagged_time ON votes (voted_at_ms) WHERE flags <> 0;

-- Votes left out, per category and first flag (its bit: `flags & -flags`, the lowest set).
DROP TABLE excluded_cells;
CREATE TABLE excluded_cells (
    category TEXT NOT NULL,
    flag     INTEGER NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (category, flag)
) WITHOUT ROWID;
INSERT INTO excluded_cells
    SELECT category, flags & -flags, COUNT(*) FROM votes WHERE flags <> 0 GROUP BY 1, 2;

CREATE TRIGGER votes_cell_insert_counted AFTER INSERT ON votes WHEN NEW.flags = 0 BEGIN
    INSERT INTO vote_cells VALUES (NEW.category, NEW.model_a, NEW.model_b, NEW.choice, 1)
        ON CONFLICT (category, model_a, model_b, choice) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER votes_cell_insert_excluded AFTER INSERT ON votes WHEN NEW.flags <> 0 BEGIN
    INSERT INTO excluded_cells VALUES (NEW.category, NEW.flags & -NEW.flags, 1)
        ON CONFLICT (category, flag) DO UPDATE SET count = count + 1;
END;

-- A vote's flags change (the audit flags it, or an operator clears it): move it between cells.
CREATE TRIGGER votes_cell_update AFTER UPDATE OF flags, category, model_a, model_b, choice ON votes
WHEN OLD.flags IS NOT NEW.flags OR OLD.category IS NOT NEW.category
  OR OLD.model_a IS NOT NEW.model_a OR OLD.model_b IS NOT NEW.model_b OR OLD.choice IS NOT NEW.choice
BEGIN
    UPDATE vote_cells SET count = count - 1
        WHERE OLD.flags = 0 AND category = OLD.category AND model_a = OLD.model_a
          AND model_b = OLD.model_b AND choice = OLD.choice;
    UPDATE excluded_cells SET count = count - 1
        WHERE OLD.flags <> 0 AND category = OLD.category AND flag = OLD.flags & -OLD.flags;
    INSERT INTO vote_cells SELECT NEW.category, NEW.model_a, NEW.model_b, NEW.choice, 1
        WHERE NEW.flags = 0
        ON CONFLICT (category, model_a, model_b, choice) DO UPDATE SET count = count + 1;
    INSERT INTO excluded_cells SELECT NEW.category, NEW.flags & -NEW.flags, 1
        WHERE NEW.flags <> 0
        ON CONFLICT (category, flag) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER votes_cell_delete AFTER DELETE ON votes BEGIN
    UPDATE vote_cells SET count = count - 1
        WHERE OLD.flags = 0 AND category = OLD.category AND model_a = OLD.model_a
          AND model_b = OLD.model_b AND choice = OLD.choice;
    UPDATE excluded_cells SET count = count - 1
        WHERE OLD.flags <> 0 AND category = OLD.category AND flag = OLD.flags & -OLD.flags;
END;

-- A counted vote adds to its voter's hourly tally (its network's, the vote writer adds).
CREATE TRIGGER votes_tally AFTER INSERT ON votes WHEN NEW.flags = 0 BEGIN
    INSERT INTO vote_tallies VALUES ('v:' || NEW.voter_id, NEW.voted_at_ms / 3600000, 1)
        ON CONFLICT (key, hour) DO UPDATE SET count = count + 1;
END;
