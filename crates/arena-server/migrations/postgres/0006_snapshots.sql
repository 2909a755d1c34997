-- Published snapshots: a frozen leaderboard (every table and the counts behind it, as JSON) and
-- its battles (JSON Lines, the public export), at a stable id. Rows are only ever added.
CREATE TABLE snapshots (
    id              BIGSERIAL PRIMARY KEY,
    title           TEXT NOT NULL,
    published_at_ms BIGINT NOT NULL,
    operator        TEXT NOT NULL,
    total_votes     BIGINT NOT NULL,
    models          BIGINT NOT NULL,
    tables          TEXT NOT NULL,
    battles         TEXT NOT NULL,
    battles_sha256  TEXT NOT NULL
);
CREATE FUNCTION snapshots_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a published snapshot never changes';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER snapshots_immutable BEFORE UPDATE OR DELETE ON snapshots
    FOR EACH ROW EXECUTE FUNCTION snapshots_immutable();
