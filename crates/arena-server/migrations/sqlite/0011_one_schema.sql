-- The two databases keep the same tables, columns and indexes (a test compares them). SQLite's
-- first index of votes by voter is the first half of votes_voter_time, which both databases have.
DROP INDEX votes_voter;
