-- Shops become tenants, as kb/sqlite's 003: conversations, turns, events and
-- API tokens belong to a shop; people hold a role per shop (memberships); an
-- owner manages shops. Rows written before belong to the shop they name, else
-- to the first shop.

-- version counts every change of a shop's knowledge, so each server notices
-- an import or an edit made by another instance before the shop's next turn.
ALTER TABLE shops ADD COLUMN version bigint NOT NULL DEFAULT 1;

ALTER TABLE users ADD COLUMN owner boolean NOT NULL DEFAULT false;
UPDATE users SET owner = true WHERE role = 'admin';

CREATE TABLE memberships (
    user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    shop_id bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('agent', 'admin', 'manager')),
    PRIMARY KEY (user_id, shop_id)
);
CREATE INDEX memberships_shop ON memberships(shop_id);
INSERT INTO memberships (user_id, shop_id, role) SELECT u.id, s.id, u.role FROM users u CROSS JOIN shops s;

ALTER TABLE api_tokens ADD COLUMN shop_id bigint REFERENCES shops(id) ON DELETE CASCADE;
UPDATE api_tokens SET shop_id = (SELECT MIN(id) FROM shops);
DELETE FROM api_tokens WHERE shop_id IS NULL;
ALTER TABLE api_tokens ALTER COLUMN shop_id SET NOT NULL;

ALTER TABLE turns DROP CONSTRAINT turns_conversation_fkey;
ALTER TABLE conversations ADD COLUMN shop_id bigint REFERENCES shops(id) ON DELETE CASCADE;
UPDATE conversations c SET shop_id = COALESCE(
    (SELECT p.shop_id FROM turns t JOIN products p ON p.id = t.product
      WHERE t.conversation = c.id AND t.product <> '' ORDER BY t.idx, p.shop_id LIMIT 1),
    (SELECT MIN(id) FROM shops));
DELETE FROM conversations WHERE shop_id IS NULL;
ALTER TABLE conversations ALTER COLUMN shop_id SET NOT NULL;
ALTER TABLE conversations DROP CONSTRAINT conversations_pkey;
ALTER TABLE conversations ADD PRIMARY KEY (shop_id, id);
CREATE INDEX conversations_updated ON conversations(shop_id, updated_at);

ALTER TABLE turns ADD COLUMN shop_id bigint;
UPDATE turns t SET shop_id = c.shop_id FROM conversations c WHERE c.id = t.conversation;
DELETE FROM turns WHERE shop_id IS NULL;
ALTER TABLE turns ALTER COLUMN shop_id SET NOT NULL;
ALTER TABLE turns DROP CONSTRAINT turns_pkey;
ALTER TABLE turns ADD PRIMARY KEY (shop_id, conversation, idx);
ALTER TABLE turns ADD FOREIGN KEY (shop_id, conversation) REFERENCES conversations(shop_id, id) ON DELETE CASCADE;

ALTER TABLE events ADD COLUMN shop_id bigint NOT NULL DEFAULT 0;
UPDATE events e SET shop_id = COALESCE(
    (SELECT c.shop_id FROM conversations c WHERE c.id = e.conversation ORDER BY c.shop_id LIMIT 1),
    (SELECT MIN(id) FROM shops), 0);
CREATE INDEX events_suggestion ON events(shop_id, suggestion_id, kind, action);
CREATE INDEX events_conversation ON events(shop_id, conversation);
