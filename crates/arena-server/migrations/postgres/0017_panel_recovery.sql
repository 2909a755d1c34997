-- Recovery of a lost panelist credential (see migrations/sqlite/0017 for the same in SQLite).
ALTER TABLE invitation_batches ADD COLUMN recovery BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN recovery TEXT;
ALTER TABLE invitations ADD COLUMN recoveries BIGINT NOT NULL DEFAULT 0;
