-- The daily cap per address counts the address's network: in PostgreSQL the vote's transaction
-- always added a counted vote to its network's tally itself (src/store/postgres.rs), so unlike
-- SQLite's 0010 there is no trigger to change. This migration changes nothing; it keeps both
-- folders numbered in step.
SELECT 1;
