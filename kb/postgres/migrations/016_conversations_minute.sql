-- The twin of kb/sqlite's 016_conversations_minute.sql: the conversation
-- lists index the minute of updated_at, which a turn moves once a minute at
-- most, instead of updated_at, which every turn moved. Here the minute is a
-- generated column and the upsert is unchanged: PostgreSQL compares an
-- updated row's indexed values, and a turn that changes none of them
-- updates the row in place (a HOT update) without a new entry in any of
-- the table's three indexes. The room left in each page is for those.
ALTER TABLE conversations ADD COLUMN active_minute timestamp
    GENERATED ALWAYS AS (date_trunc('minute', updated_at AT TIME ZONE 'UTC')) STORED;
DROP INDEX conversations_updated;
DROP INDEX conversations_assignee;
CREATE INDEX conversations_minute ON conversations(shop_id, active_minute);
CREATE INDEX conversations_assignee_minute ON conversations(shop_id, assignee, active_minute);
ALTER TABLE conversations SET (fillfactor = 80);
