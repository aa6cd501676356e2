-- An agent's own phrases, beside the shop's: seen by that agent only, in
-- that shop only. Ids are never reused, so a stale edit cannot hit another.
CREATE TABLE personal_phrases (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id    INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    text       TEXT NOT NULL,
    code       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX personal_phrases_owner ON personal_phrases(shop_id, user_id);

-- The people of a conversation, where the platform names them: the buyer
-- (turns.buyer_name) and the agent it is with (turns.assignee: named by the
-- platform, or the person who posted an agent turn). A conversation keeps
-- the latest of each, and the product in view, for the lists.
ALTER TABLE turns ADD COLUMN buyer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE turns ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN buyer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN product TEXT NOT NULL DEFAULT '';

UPDATE conversations SET
    product = COALESCE((SELECT t.product FROM turns t
        WHERE t.shop_id = conversations.shop_id AND t.conversation = conversations.id AND t.product != ''
        ORDER BY t.idx DESC LIMIT 1), ''),
    assignee = COALESCE((SELECT t.posted_by FROM turns t
        WHERE t.shop_id = conversations.shop_id AND t.conversation = conversations.id
          AND t.role = 'agent' AND t.posted_by != '' AND t.posted_by NOT LIKE 'token:%'
        ORDER BY t.idx DESC LIMIT 1), '');
CREATE INDEX conversations_assignee ON conversations(shop_id, assignee, updated_at);
