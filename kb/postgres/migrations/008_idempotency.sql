-- Idempotency keys, as kb/sqlite's 008: a platform that timed out waiting
-- for an answer retries with the same key and gets the first answer instead
-- of a second turn or event. A key belongs to one shop and names one
-- request: a turn (answered with the turn's stored suggestion set) or an
-- event (request holds what it recorded, to tell a retry from a different
-- request under the same key). Keys go with their shop.
CREATE TABLE idempotency_keys (
    shop_id      bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    key          text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('turn', 'event')),
    conversation text NOT NULL,
    turn         integer NOT NULL,
    request      text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (shop_id, key)
);
