-- A phrase's short code, typed by agents to call it up ("" for none).
ALTER TABLE phrases ADD COLUMN code text NOT NULL DEFAULT '';
