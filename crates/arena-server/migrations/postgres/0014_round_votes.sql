-- Votes cast inside an evaluation round carry the round and never enter the open arena's cells
-- (see migrations/sqlite/0014 for the same in SQLite); a voter's counted votes in a round are
-- tallied in the vote's own transaction (the upsert locks the row: the cap holds across servers).
ALTER TABLE votes ADD COLUMN round_id BIGINT REFERENCES rounds (id);
CREATE INDEX votes_round ON votes (round_id, model_a, model_b, choice) WHERE round_id IS NOT NULL;

CREATE TABLE round_tallies (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    voter_id TEXT COLLATE "C" NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (round_id, voter_id)
);

CREATE OR REPLACE FUNCTION votes_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A round's votes are tabulated apart; a vote never changes its round.
    IF TG_OP = 'DELETE' THEN
        IF OLD.round_id IS NOT NULL THEN
            RETURN NULL;
        END IF;
    ELSIF NEW.round_id IS NOT NULL THEN
        RETURN NULL;
    END IF;
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
