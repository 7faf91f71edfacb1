-- The buyer's username when they ordered, for the admin board. Orders placed before this
-- migration keep an empty name (the board shows their user id).
ALTER TABLE orders ADD COLUMN customer TEXT NOT NULL DEFAULT '';
