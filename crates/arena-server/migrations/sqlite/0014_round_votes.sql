-- Votes cast inside an evaluation round carry the round. They never enter the open arena's
-- cells (its table, its excluded counts): a round is tabulated apart, from its own votes. A
-- voter's counted votes in a round are tallied in the vote's own transaction, so the round's
-- votes-per-person cap is checked where no race passes it.
ALTER TABLE votes ADD COLUMN round_id INTEGER REFERENCES rounds (id);
CREATE INDEX votes_round ON votes (round_id, model_a, model_b, choice) WHERE round_id IS NOT NULL;

CREATE TABLE round_tallies (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    voter_id TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (round_id, voter_id)
) WITHOUT ROWID;

DROP TRIGGER votes_cell_insert_counted;
DROP TRIGGER votes_cell_insert_excluded;
DROP TRIGGER votes_cell_update;
DROP TRIGGER votes_cell_delete;

CREATE TRIGGER votes_cell_insert_counted AFTER INSERT ON votes
WHEN NEW.flags = 0 AND NEW.round_id IS NULL BEGIN
    INSERT INTO vote_cells VALUES (NEW.category, NEW.model_a, NEW.model_b, NEW.choice, 1)
        ON CONFLICT (category, model_a, model_b, choice) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER votes_cell_insert_excluded AFTER INSERT ON votes
WHEN NEW.flags <> 0 AND NEW.round_id IS NULL BEGIN
    INSERT INTO excluded_cells VALUES (NEW.category, NEW.flags & -NEW.flags, 1)
        ON CONFLICT (category, flag) DO UPDATE SET count = count + 1;
END;

-- A vote's flags change (the audit flags it, or an operator clears it): move it between cells.
CREATE TRIGGER votes_cell_update AFTER UPDATE OF flags, category, model_a, model_b, choice ON votes
WHEN NEW.round_id IS NULL AND (OLD.flags IS NOT NEW.flags OR OLD.category IS NOT NEW.category
  OR OLD.model_a IS NOT NEW.model_a OR OLD.model_b IS NOT NEW.model_b OR OLD.choice IS NOT NEW.choice)
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

CREATE TRIGGER votes_cell_delete AFTER DELETE ON votes WHEN OLD.round_id IS NULL BEGIN
    UPDATE vote_cells SET count = count - 1
        WHERE OLD.flags = 0 AND category = OLD.category AND model_a = OLD.model_a
          AND model_b = OLD.model_b AND choice = OLD.choice;
    UPDATE excluded_cells SET count = count - 1
        WHERE OLD.flags <> 0 AND category = OLD.category AND flag = OLD.flags & -OLD.flags;
END;
