-- Evaluation rounds (see migrations/sqlite/0013 for the same in SQLite): from the moment a round
-- opens the database refuses every change to its models, prompts and answers, and to the round
-- itself but its one step forward (draft → open → closed → published).
CREATE TABLE rounds (
    id               BIGSERIAL PRIMARY KEY,
    name             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'published')),
    audience         TEXT NOT NULL CHECK (audience IN ('panel', 'public', 'both')),
    reveal           TEXT NOT NULL CHECK (reveal IN ('after_vote', 'after_close')),
    votes_per_person BIGINT NOT NULL CHECK (votes_per_person > 0),
    opens_at_ms      BIGINT NOT NULL,
    closes_at_ms     BIGINT NOT NULL CHECK (closes_at_ms > opens_at_ms),
    categories       TEXT NOT NULL,
    prompts_sha256   TEXT NOT NULL,
    created_at_ms    BIGINT NOT NULL
);
CREATE TABLE round_models (
    round_id       BIGINT NOT NULL REFERENCES rounds (id),
    model_id       TEXT NOT NULL REFERENCES models (id),
    answers_sha256 TEXT NOT NULL,
    PRIMARY KEY (round_id, model_id)
);
CREATE TABLE round_prompts (
    round_id  BIGINT NOT NULL REFERENCES rounds (id),
    prompt_id TEXT NOT NULL REFERENCES prompts (id),
    sha256    TEXT NOT NULL,
    PRIMARY KEY (round_id, prompt_id)
);
CREATE TABLE round_answers (
    round_id  BIGINT NOT NULL REFERENCES rounds (id),
    prompt_id TEXT NOT NULL,
    model_id  TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    PRIMARY KEY (round_id, prompt_id, model_id)
);

CREATE FUNCTION rounds_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'a round that opened is kept';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state = 'draft' AND NEW.state = 'draft' THEN
        RETURN NEW;
    END IF;
    IF (NEW.name, NEW.audience, NEW.reveal, NEW.votes_per_person, NEW.opens_at_ms,
        NEW.closes_at_ms, NEW.categories, NEW.prompts_sha256, NEW.created_at_ms, NEW.id)
       IS DISTINCT FROM
       (OLD.name, OLD.audience, OLD.reveal, OLD.votes_per_person, OLD.opens_at_ms,
        OLD.closes_at_ms, OLD.categories, OLD.prompts_sha256, OLD.created_at_ms, OLD.id)
       OR NOT ((OLD.state = 'draft' AND NEW.state = 'open')
               OR (OLD.state = 'open' AND NEW.state = 'closed')
               OR (OLD.state = 'closed' AND NEW.state = 'published')) THEN
        RAISE EXCEPTION 'a round only moves one step forward, and changes nothing else once open';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER rounds_forward BEFORE UPDATE OR DELETE ON rounds
    FOR EACH ROW EXECUTE FUNCTION rounds_forward();

-- A round's models, prompts and answers change only while it is a draft.
CREATE FUNCTION round_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    round BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN round := NEW.round_id; ELSE round := OLD.round_id; END IF;
    IF (SELECT state FROM rounds WHERE id = round) IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'a round''s models, prompts and answers are sealed once it opens';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER round_models_sealed BEFORE INSERT OR UPDATE OR DELETE ON round_models
    FOR EACH ROW EXECUTE FUNCTION round_sealed();
CREATE TRIGGER round_prompts_sealed BEFORE INSERT OR UPDATE OR DELETE ON round_prompts
    FOR EACH ROW EXECUTE FUNCTION round_sealed();
CREATE TRIGGER round_answers_sealed BEFORE INSERT OR UPDATE OR DELETE ON round_answers
    FOR EACH ROW EXECUTE FUNCTION round_sealed();
