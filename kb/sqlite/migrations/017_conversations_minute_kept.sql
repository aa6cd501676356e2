-- active_minute (016) must stay substr(updated_at, 1, 16) whoever writes a
-- conversation: an older build rolled back to sets updated_at alone. The
-- triggers keep it so, writing only when the minute changes; the turn's
-- upsert does not set it (kb/sqlite/conversations.go): they are its one
-- definition.
CREATE TRIGGER conversations_minute_new AFTER INSERT ON conversations
WHEN NEW.active_minute != substr(NEW.updated_at, 1, 16) BEGIN
    UPDATE conversations SET active_minute = substr(NEW.updated_at, 1, 16) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER conversations_minute_kept AFTER UPDATE OF updated_at ON conversations
WHEN NEW.active_minute != substr(NEW.updated_at, 1, 16) BEGIN
    UPDATE conversations SET active_minute = substr(NEW.updated_at, 1, 16) WHERE rowid = NEW.rowid;
END;
UPDATE conversations SET active_minute = substr(updated_at, 1, 16) WHERE active_minute != substr(updated_at, 1, 16);
