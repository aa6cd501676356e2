-- Idempotency keys: a platform that timed out waiting for an answer retries
-- with the same key, and gets the first answer instead of a second turn or
-- event. A key belongs to one shop and names one request: a turn (its answer
-- is the turn's stored suggestion set, so it is not copied here) or an event
-- (answered with no body; request holds what it recorded, to tell a retry
-- from a different request under the same key). Keys go with their shop.
CREATE TABLE idempotency_keys (
    shop_id      INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('turn', 'event')),
    conversation TEXT NOT NULL,
    turn         INTEGER NOT NULL,
    request      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    PRIMARY KEY (shop_id, key)
) WITHOUT ROWID;
