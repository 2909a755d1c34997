-- The daily cap per address counts the address's network (an IPv6 /48; see
-- src/trust/address.rs), which a vote's row does not hold: the row keeps the finer /56 hash, for
-- the audit. So the vote writer adds a counted vote to its network's tally itself, in the vote's
-- transaction (as the PostgreSQL store always did), and this trigger keeps the voter's only.
DROP TRIGGER votes_tally;
CREATE TRIGGER votes_tally AFTER INSERT ON votes WHEN NEW.flags = '' BEGIN
    INSERT INTO vote_tallies VALUES ('v:' || NEW.voter_id, NEW.voted_at_ms / 3600000, 1)
        ON CONFLICT (key, hour) DO UPDATE SET count = count + 1;
END;
