-- The twin of kb/sqlite's 017, which adds triggers keeping active_minute
-- the minute of updated_at whoever writes a conversation. Here the column
-- is generated (016): PostgreSQL keeps it so already.
COMMENT ON COLUMN conversations.active_minute IS 'the minute of updated_at (UTC), which the conversation lists index';
