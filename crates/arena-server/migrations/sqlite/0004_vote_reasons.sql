-- Why a citizen preferred an answer (arena_core::reason::Reason as a bit set; 0: none given).
-- Changing it touches no count: the cell triggers fire only on the columns they count.
ALTER TABLE votes ADD COLUMN reasons INTEGER NOT NULL DEFAULT 0;
-- The leaderboard adds up the reasons of counted votes: only votes that have some are read.
CREATE INDEX votes_reasons ON votes (category, model_a, model_b, choice, reasons)
    WHERE reasons <> 0 AND flags = '';
