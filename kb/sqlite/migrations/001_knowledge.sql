-- A shop's knowledge. Every row belongs to a shop; list-valued fields are
-- JSON arrays because they are always read and written whole with their row.
CREATE TABLE shops (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    ship_within_hours INTEGER NOT NULL,
    same_day_cutoff   TEXT NOT NULL DEFAULT '',
    timezone          TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE products (
    shop_id           INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    pos               INTEGER NOT NULL,
    title             TEXT NOT NULL,
    aliases           TEXT NOT NULL DEFAULT '[]',
    price             REAL NOT NULL DEFAULT 0,
    ship_within_hours INTEGER NOT NULL DEFAULT 0,
    facts             TEXT NOT NULL DEFAULT '[]',
    pairs_with        TEXT NOT NULL DEFAULT '[]',
    bundles           TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (shop_id, id)
);

CREATE TABLE rules (
    shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    id      TEXT NOT NULL,
    pos     INTEGER NOT NULL,
    title   TEXT NOT NULL,
    source  TEXT NOT NULL DEFAULT '',
    text    TEXT NOT NULL,
    tags    TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (shop_id, id)
);

CREATE TABLE phrases (
    shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    id      TEXT NOT NULL,
    pos     INTEGER NOT NULL,
    scene   TEXT NOT NULL,
    title   TEXT NOT NULL,
    text    TEXT NOT NULL,
    tags    TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (shop_id, id)
);
