-- The conversation lists were indexed by updated_at, which every turn
-- moves: each turn took its conversation's entry out of a page of each of
-- the two indexes and put it at their ends, 4.6 of a turn's 7.8 pages in
-- the log and about 45 µs of a lone writer's turn (docs/figures.md). They
-- are indexed by the minute of updated_at instead, which a turn moves once
-- a minute at most; a list reads the index in order and sorts within each
-- minute by updated_at, so it is in the same order as before.
-- active_minute is always substr(updated_at, 1, 16): stamps are UTC, one
-- fixed width, so the minute orders as updated_at does.
ALTER TABLE conversations ADD COLUMN active_minute TEXT NOT NULL DEFAULT '';
UPDATE conversations SET active_minute = substr(updated_at, 1, 16);
DROP INDEX conversations_updated;
DROP INDEX conversations_assignee;
CREATE INDEX conversations_minute ON conversations(shop_id, active_minute);
CREATE INDEX conversations_assignee_minute ON conversations(shop_id, assignee, active_minute);
