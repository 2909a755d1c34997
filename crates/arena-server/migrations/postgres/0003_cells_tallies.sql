-- Cost that does not grow with the votes (see migrations/sqlite/0003 for the same in SQLite):
-- the leaderboard's counts and the daily caps' tallies are kept in the vote's own transaction.

-- Counted votes per (category, left model, right model, choice), kept by the trigger below.
CREATE TABLE vote_cells (
    category TEXT COLLATE "C" NOT NULL,
    model_a  TEXT COLLATE "C" NOT NULL,
    model_b  TEXT COLLATE "C" NOT NULL,
    choice   TEXT COLLATE "C" NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (category, model_a, model_b, choice)
);

-- Votes left out, per category and first reason.
CREATE TABLE excluded_cells (
    category TEXT COLLATE "C" NOT NULL,
    reason   TEXT COLLATE "C" NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (category, reason)
);

INSERT INTO vote_cells
    SELECT category, model_a, model_b, choice, COUNT(*) FROM votes WHERE flags = ''
    GROUP BY category, model_a, model_b, choice;
INSERT INTO excluded_cells
    SELECT category, split_part(flags, ',', 1), COUNT(*) FROM votes WHERE flags <> '' GROUP BY 1, 2;

CREATE FUNCTION votes_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.flags = '' THEN
            UPDATE vote_cells SET count = count - 1
                WHERE category = OLD.category AND model_a = OLD.model_a
                  AND model_b = OLD.model_b AND choice = OLD.choice;
        ELSE
            UPDATE excluded_cells SET count = count - 1
                WHERE category = OLD.category AND reason = split_part(OLD.flags, ',', 1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.flags = '' THEN
            INSERT INTO vote_cells VALUES (NEW.category, NEW.model_a, NEW.model_b, NEW.choice, 1)
                ON CONFLICT (category, model_a, model_b, choice)
                DO UPDATE SET count = vote_cells.count + 1;
        ELSE
            INSERT INTO excluded_cells VALUES (NEW.category, split_part(NEW.flags, ',', 1), 1)
                ON CONFLICT (category, reason) DO UPDATE SET count = excluded_cells.count + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER votes_cells_insert_delete AFTER INSERT OR DELETE ON votes
    FOR EACH ROW EXECUTE FUNCTION votes_cells();
CREATE TRIGGER votes_cells_update AFTER UPDATE OF flags, category, model_a, model_b, choice ON votes
    FOR EACH ROW
    WHEN (OLD.flags IS DISTINCT FROM NEW.flags OR OLD.category IS DISTINCT FROM NEW.category
          OR OLD.model_a IS DISTINCT FROM NEW.model_a OR OLD.model_b IS DISTINCT FROM NEW.model_b
          OR OLD.choice IS DISTINCT FROM NEW.choice)
    EXECUTE FUNCTION votes_cells();

-- Counted votes per voter and per address hash ('v:' or 'a:' and the id) per hour, for the
-- daily caps. A vote's upsert locks its hour's row, so two servers cannot both let the
-- 201st vote of a voter count.
CREATE TABLE vote_tallies (
    key   TEXT COLLATE "C" NOT NULL,
    hour  BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (key, hour)
);
INSERT INTO vote_tallies
    SELECT 'v:' || voter_id, voted_at_ms / 3600000, COUNT(*) FROM votes
    WHERE flags = '' AND voted_at_ms >= (extract(epoch FROM now())::bigint - 2 * 86400) * 1000
    GROUP BY 1, 2;
INSERT INTO vote_tallies
    SELECT 'a:' || address_hash, voted_at_ms / 3600000, COUNT(*) FROM votes
    WHERE flags = '' AND address_hash IS NOT NULL
      AND voted_at_ms >= (extract(epoch FROM now())::bigint - 2 * 86400) * 1000
    GROUP BY 1, 2;

-- The catalogue's version: every import or permission change adds one, so each server reloads
-- what it draws battles from when, and only when, it changed.
CREATE TABLE catalogue_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version VALUES (1, 1);

-- Insertion order, for tests and operators reading votes as they came.
ALTER TABLE votes ADD COLUMN seq BIGSERIAL;

DROP INDEX votes_counted;
DROP INDEX votes_flagged;
DROP INDEX votes_address_time;

-- Several servers on one database: the holder of this lease recomputes the leaderboard (and
-- runs the audit) and publishes the tables here; the others serve what it published, so every
-- server answers with the same table and counts. A lease not renewed in time passes on.
CREATE TABLE leaderboard_lease (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    holder   TEXT NOT NULL,
    until_ms BIGINT NOT NULL
);
INSERT INTO leaderboard_lease VALUES (1, '', 0);

CREATE TABLE leaderboard_published (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at_ms BIGINT NOT NULL,
    body           BYTEA NOT NULL
);
