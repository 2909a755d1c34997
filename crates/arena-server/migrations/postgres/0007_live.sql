-- Live battles: a citizen's own prompt and the two answers it got are stored (personal data
-- scrubbed) so the vote finds them; they are never drawn for other battles.
ALTER TABLE answers ADD COLUMN live BOOLEAN NOT NULL DEFAULT FALSE;
