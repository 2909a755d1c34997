-- The model registry (what citizens see at the reveal, and whether a model is drawn) and the
-- operators' audit log.
ALTER TABLE models ADD COLUMN organisation TEXT;
ALTER TABLE models ADD COLUMN licence TEXT CHECK (licence IN ('open', 'closed'));
ALTER TABLE models ADD COLUMN size TEXT;
ALTER TABLE models ADD COLUMN url TEXT;
ALTER TABLE models ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'paused', 'retired'));

-- Every change an operator made: when, with which token (its label), what and how (JSON).
-- Rows are only ever added.
CREATE TABLE operator_audit (
    id       BIGSERIAL PRIMARY KEY,
    at_ms    BIGINT NOT NULL,
    operator TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE FUNCTION operator_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER operator_audit_append_only BEFORE UPDATE OR DELETE ON operator_audit
    FOR EACH ROW EXECUTE FUNCTION operator_audit_append_only();
