-- Shops become tenants. Conversations, turns, events and API tokens belong to
-- a shop; people hold a role per shop (memberships); an owner manages shops.
-- Rows written before this migration belong to the shop they name: a
-- conversation to the shop owning a product its turns name, else the store's
-- first shop (the one a single-shop server served).

-- version counts every change of a shop's knowledge, so each server notices
-- an import or an edit made by another process before the shop's next turn.
ALTER TABLE shops ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- users.role is the role before shops; memberships hold roles now.
ALTER TABLE users ADD COLUMN owner INTEGER NOT NULL DEFAULT 0;
UPDATE users SET owner = 1 WHERE role = 'admin';

CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('agent', 'admin', 'manager')),
    PRIMARY KEY (user_id, shop_id)
);
CREATE INDEX memberships_shop ON memberships(shop_id);
INSERT INTO memberships (user_id, shop_id, role) SELECT u.id, s.id, u.role FROM users u CROSS JOIN shops s;

-- Token ids are never reused (AUTOINCREMENT): revoking id N twice must not
-- revoke another integration's token.
CREATE TABLE api_tokens_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id    INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
INSERT INTO api_tokens_new (id, shop_id, name, token_hash, created_at)
    SELECT t.id, (SELECT MIN(id) FROM shops), t.name, t.token_hash, t.created_at
    FROM api_tokens t WHERE EXISTS (SELECT 1 FROM shops);
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;

CREATE TABLE conversations_new (
    shop_id    INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    turns      INTEGER NOT NULL DEFAULT 0,
    last_text  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (shop_id, id)
);
INSERT INTO conversations_new (shop_id, id, turns, last_text, created_at, updated_at)
    SELECT COALESCE(
             (SELECT p.shop_id FROM turns t JOIN products p ON p.id = t.product
               WHERE t.conversation = c.id AND t.product != '' ORDER BY t.idx, p.shop_id LIMIT 1),
             (SELECT MIN(id) FROM shops)),
           c.id, c.turns, c.last_text, c.created_at, c.updated_at
    FROM conversations c WHERE EXISTS (SELECT 1 FROM shops);

CREATE TABLE turns_new (
    shop_id      INTEGER NOT NULL,
    conversation TEXT NOT NULL,
    idx          INTEGER NOT NULL,
    role         TEXT NOT NULL,
    text         TEXT NOT NULL,
    product      TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL,
    posted_by    TEXT NOT NULL DEFAULT '',
    suggestions  TEXT NOT NULL,
    PRIMARY KEY (shop_id, conversation, idx),
    FOREIGN KEY (shop_id, conversation) REFERENCES conversations_new(shop_id, id) ON DELETE CASCADE
);
INSERT INTO turns_new (shop_id, conversation, idx, role, text, product, at, posted_by, suggestions)
    SELECT c.shop_id, t.conversation, t.idx, t.role, t.text, t.product, t.at, t.posted_by, t.suggestions
    FROM turns t JOIN conversations_new c ON c.id = t.conversation;

DROP TABLE turns;
DROP TABLE conversations;
ALTER TABLE conversations_new RENAME TO conversations;
ALTER TABLE turns_new RENAME TO turns;
CREATE INDEX conversations_updated ON conversations(shop_id, updated_at);

-- Events keep their shop too (the shop of their conversation).
ALTER TABLE events ADD COLUMN shop_id INTEGER NOT NULL DEFAULT 0;
UPDATE events SET shop_id = COALESCE(
    (SELECT c.shop_id FROM conversations c WHERE c.id = events.conversation ORDER BY c.shop_id LIMIT 1),
    (SELECT MIN(id) FROM shops), 0);
DROP INDEX events_suggestion;
CREATE INDEX events_suggestion ON events(shop_id, suggestion_id, kind, action);
CREATE INDEX events_conversation ON events(shop_id, conversation);
