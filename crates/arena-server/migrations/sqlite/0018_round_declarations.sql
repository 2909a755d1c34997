-- What a team declared about a model in a round (arena_core::round::Declaration: the endpoint and
-- model id its answers came from, and the digest of its weights), as JSON; NULL when nothing was
-- declared. Written with the draft and sealed with it: the triggers of 0013 refuse any change to
-- a round's models once it opened.
ALTER TABLE round_models ADD COLUMN declared TEXT;
