-- The two databases keep the same tables, columns and indexes (a test compares them); SQLite
-- dropped an index PostgreSQL never had. Nothing changes here.
SELECT 1;
