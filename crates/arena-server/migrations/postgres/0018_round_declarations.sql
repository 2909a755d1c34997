-- What a team declared about a model in a round (see migrations/sqlite/0018 for the same in SQLite).
ALTER TABLE round_models ADD COLUMN declared TEXT;
