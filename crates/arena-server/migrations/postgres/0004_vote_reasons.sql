-- Why a citizen preferred an answer (arena_core::reason::Reason as a bit set; 0: none given).
ALTER TABLE votes ADD COLUMN reasons INTEGER NOT NULL DEFAULT 0;
CREATE INDEX votes_reasons ON votes (category, model_a, model_b, choice, reasons)
    WHERE reasons <> 0 AND flags = '';
