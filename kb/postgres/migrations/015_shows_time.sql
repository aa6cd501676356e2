-- The twin of kb/sqlite's 015_shows_time.sql: shows indexed by (time,
-- shop), so inserts land at the index's one end instead of each shop's.
DROP INDEX shows_at;
CREATE INDEX shows_time ON shows(at, shop_id);
