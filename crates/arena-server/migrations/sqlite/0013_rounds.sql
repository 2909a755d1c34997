-- Evaluation rounds (arena_core::round): sealed models and prompts, a window, an audience and a
-- reveal policy. A draft's models, prompts and answers are recorded with their SHA-256; from the
-- moment a round opens the database refuses every change to them, and to the round itself but
-- its one step forward (draft → open → closed → published).
CREATE TABLE rounds (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'published')),
    audience         TEXT NOT NULL CHECK (audience IN ('panel', 'public', 'both')),
    reveal           TEXT NOT NULL CHECK (reveal IN ('after_vote', 'after_close')),
    votes_per_person INTEGER NOT NULL CHECK (votes_per_person > 0),
    opens_at_ms      INTEGER NOT NULL,
    closes_at_ms     INTEGER NOT NULL CHECK (closes_at_ms > opens_at_ms),
    -- JSON array; empty: every category.
    categories       TEXT NOT NULL,
    prompts_sha256   TEXT NOT NULL,
    created_at_ms    INTEGER NOT NULL
);
CREATE TABLE round_models (
    round_id       INTEGER NOT NULL REFERENCES rounds (id),
    model_id       TEXT NOT NULL REFERENCES models (id),
    answers_sha256 TEXT NOT NULL,
    PRIMARY KEY (round_id, model_id)
);
CREATE TABLE round_prompts (
    round_id  INTEGER NOT NULL REFERENCES rounds (id),
    prompt_id TEXT NOT NULL REFERENCES prompts (id),
    sha256    TEXT NOT NULL,
    PRIMARY KEY (round_id, prompt_id)
);
CREATE TABLE round_answers (
    round_id  INTEGER NOT NULL REFERENCES rounds (id),
    prompt_id TEXT NOT NULL,
    model_id  TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    PRIMARY KEY (round_id, prompt_id, model_id)
);

CREATE TRIGGER rounds_forward BEFORE UPDATE ON rounds
WHEN NOT (
    (OLD.state = NEW.state AND OLD.state = 'draft')
    OR (NEW.name = OLD.name AND NEW.audience = OLD.audience AND NEW.reveal = OLD.reveal
        AND NEW.votes_per_person = OLD.votes_per_person AND NEW.opens_at_ms = OLD.opens_at_ms
        AND NEW.closes_at_ms = OLD.closes_at_ms AND NEW.categories = OLD.categories
        AND NEW.prompts_sha256 = OLD.prompts_sha256 AND NEW.created_at_ms = OLD.created_at_ms
        AND NEW.id = OLD.id
        AND ((OLD.state = 'draft' AND NEW.state = 'open')
             OR (OLD.state = 'open' AND NEW.state = 'closed')
             OR (OLD.state = 'closed' AND NEW.state = 'published')))
)
BEGIN SELECT RAISE(ABORT, 'a round only moves one step forward, and changes nothing else once open'); END;
CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rounds WHEN OLD.state <> 'draft'
BEGIN SELECT RAISE(ABORT, 'a round that opened is kept'); END;

CREATE TRIGGER round_models_sealed_insert BEFORE INSERT ON round_models
WHEN (SELECT state FROM rounds WHERE id = NEW.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s models are sealed once it opens'); END;
CREATE TRIGGER round_models_sealed_update BEFORE UPDATE ON round_models
WHEN (SELECT state FROM rounds WHERE id = OLD.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s models are sealed once it opens'); END;
CREATE TRIGGER round_models_sealed_delete BEFORE DELETE ON round_models
WHEN (SELECT state FROM rounds WHERE id = OLD.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s models are sealed once it opens'); END;
CREATE TRIGGER round_prompts_sealed_insert BEFORE INSERT ON round_prompts
WHEN (SELECT state FROM rounds WHERE id = NEW.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s prompts are sealed once it opens'); END;
CREATE TRIGGER round_prompts_sealed_update BEFORE UPDATE ON round_prompts
WHEN (SELECT state FROM rounds WHERE id = OLD.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s prompts are sealed once it opens'); END;
CREATE TRIGGER round_prompts_sealed_delete BEFORE DELETE ON round_prompts
WHEN (SELECT state FROM rounds WHERE id = OLD.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s prompts are sealed once it opens'); END;
CREATE TRIGGER round_answers_sealed_insert BEFORE INSERT ON round_answers
WHEN (SELECT state FROM rounds WHERE id = NEW.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s answers are sealed once it opens'); END;
CREATE TRIGGER round_answers_sealed_update BEFORE UPDATE ON round_answers
WHEN (SELECT state FROM rounds WHERE id = OLD.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s answers are sealed once it opens'); END;
CREATE TRIGGER round_answers_sealed_delete BEFORE DELETE ON round_answers
WHEN (SELECT state FROM rounds WHERE id = OLD.round_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'a round''s answers are sealed once it opens'); END;
