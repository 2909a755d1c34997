-- A vote's flags become a bit set (arena_core::Flag::bit; 0 when the vote counts), as its
-- reasons already are (see migrations/sqlite/0012 for the same in SQLite). From here on only
-- arena_core::Flag knows the codes; the conversion below reads the codes stored until now, once.

DROP TRIGGER votes_cells_update ON votes;
DROP INDEX votes_reasons;
DROP INDEX votes_flagged_voter;

ALTER TABLE votes ALTER COLUMN flags DROP DEFAULT;
ALTER TABLE votes ALTER COLUMN flags TYPE BIGINT USING
      (CASE WHEN ',' || flags || ',' LIKE '%,too_fast,%' THEN 1 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,voter_mismatch,%' THEN 2 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,voter_daily_cap,%' THEN 4 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,address_daily_cap,%' THEN 8 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,one_sided,%' THEN 16 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,campaign,%' THEN 32 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,new_voter_burst,%' THEN 64 ELSE 0 END)
    | (CASE WHEN ',' || flags || ',' LIKE '%,model_campaign,%' THEN 128 ELSE 0 END);
ALTER TABLE votes ALTER COLUMN flags SET DEFAULT 0;

CREATE INDEX votes_reasons ON votes (category, model_a, model_b, choice, reasons)
    WHERE reasons <> 0 AND flags = 0;
CREATE INDEX votes_flagged_voter ON votes (voter_id) WHERE flags <> 0;
-- The flagged votes, newest first: what the operators' review reads.
CREATE INDEX votes_flagged_time ON votes (voted_at_ms) WHERE flags <> 0;

-- Votes left out, per category and first flag (its bit: `flags & -flags`, the lowest set).
DROP TABLE excluded_cells;
CREATE TABLE excluded_cells (
    category TEXT COLLATE "C" NOT NULL,
    flag     BIGINT NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (category, flag)
);
INSERT INTO excluded_cells
    SELECT category, flags & -flags, COUNT(*) FROM votes WHERE flags <> 0 GROUP BY 1, 2;

CREATE OR REPLACE FUNCTION votes_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.flags = 0 THEN
            UPDATE vote_cells SET count = count - 1
                WHERE category = OLD.category AND model_a = OLD.model_a
                  AND model_b = OLD.model_b AND choice = OLD.choice;
        ELSE
            UPDATE excluded_cells SET count = count - 1
                WHERE category = OLD.category AND flag = OLD.flags & -OLD.flags;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.flags = 0 THEN
            INSERT INTO vote_cells VALUES (NEW.category, NEW.model_a, NEW.model_b, NEW.choice, 1)
                ON CONFLICT (category, model_a, model_b, choice)
                DO UPDATE SET count = vote_cells.count + 1;
        ELSE
            INSERT INTO excluded_cells VALUES (NEW.category, NEW.flags & -NEW.flags, 1)
                ON CONFLICT (category, flag) DO UPDATE SET count = excluded_cells.count + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER votes_cells_update AFTER UPDATE OF flags, category, model_a, model_b, choice ON votes
    FOR EACH ROW
    WHEN (OLD.flags IS DISTINCT FROM NEW.flags OR OLD.category IS DISTINCT FROM NEW.category
          OR OLD.model_a IS DISTINCT FROM NEW.model_a OR OLD.model_b IS DISTINCT FROM NEW.model_b
          OR OLD.choice IS DISTINCT FROM NEW.choice)
    EXECUTE FUNCTION votes_cells();
