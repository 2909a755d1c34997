-- How often each category's prompts are drawn (1 when a category has no row here).
CREATE TABLE category_weights (
    category TEXT PRIMARY KEY,
    weight   DOUBLE PRECISION NOT NULL CHECK (weight >= 0)
);
