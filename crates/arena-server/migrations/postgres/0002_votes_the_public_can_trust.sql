-- Votes the public can trust (who a vote came from, why it is not counted, answers that give
-- their model away): in PostgreSQL these came with 0001_init. This migration changes nothing; it
-- keeps both folders numbered in step (see `renumber_migrations` in src/store/postgres.rs).
SELECT 1;
