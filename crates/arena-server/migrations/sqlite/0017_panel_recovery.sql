-- Recovery of a lost panelist credential, where the operator allows it for a batch: a used code
-- typed again on the same kind of device brings back the same panelist. For such a batch the
-- code's row keeps, from its redemption, `recovery`: the panelist's pseudonym masked with a key
-- derived from the code itself (HMAC-SHA-256 of the code's bytes; see api/panel.rs) and the kind
-- of device ('phone', 'tablet', 'computer'), so a copy of the database alone links no code to a
-- panelist. `recoveries` counts how often a code was used to come back.
ALTER TABLE invitation_batches ADD COLUMN recovery INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN recovery TEXT;
ALTER TABLE invitations ADD COLUMN recoveries INTEGER NOT NULL DEFAULT 0;
