-- Suggestion sets are stored in parts (issue 13): each distinct part of a
-- set (a product card, a rule, a filled phrase, a nudge, the set's outline)
-- once per shop, and with each turn a short code naming its parts and
-- carrying its scores (kb/setparts). A turn stored before keeps its set as
-- plain JSON in suggestions, set_code NULL; a new turn has suggestions ''
-- and its code. Ids are never reused (AUTOINCREMENT): a part read once is
-- cached by id.
CREATE TABLE suggestion_parts (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    hash    BLOB NOT NULL,
    body    BLOB NOT NULL,
    UNIQUE (shop_id, hash)
);
ALTER TABLE turns ADD COLUMN set_code BLOB;
