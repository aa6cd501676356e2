-- What shops teach the engine (issue 15): agents' flags on turns, waiting for
-- a knowledge admin; accepted ones become a shop's labelled examples or cue
-- words. Each belongs to one shop and changes only its turns.
CREATE TABLE flags (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id      INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    conversation TEXT NOT NULL,
    turn         INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('missed', 'wrong')),
    category     TEXT NOT NULL,
    role         TEXT NOT NULL,
    text         TEXT NOT NULL,
    flagged_by   TEXT NOT NULL,
    at           TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TEXT NOT NULL DEFAULT '',
    learned_as   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX flags_by_status ON flags(shop_id, status, id);

CREATE TABLE shop_examples (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id  INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    role     TEXT NOT NULL,
    text     TEXT NOT NULL,
    positive INTEGER NOT NULL,
    flag_id  INTEGER REFERENCES flags(id) ON DELETE SET NULL,
    added_by TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX shop_examples_shop ON shop_examples(shop_id);

CREATE TABLE shop_cues (
    shop_id  INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    word     TEXT NOT NULL,
    category TEXT NOT NULL,
    enabled  INTEGER NOT NULL,
    added_by TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (shop_id, word, category)
);
