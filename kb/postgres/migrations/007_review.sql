-- The twin of kb/sqlite's 007_review.sql, without the review's rollups: the
-- PostgreSQL store does not offer the managers' review yet (web answers 501);
-- outcomes and the typed-use marks keep the two schemas in step.
CREATE INDEX events_recent ON events(shop_id, kind, at);

CREATE TABLE outcomes (
    shop_id      BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    conversation TEXT NOT NULL,
    kind         TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    amount       BIGINT NOT NULL DEFAULT 0, -- fen
    details      TEXT NOT NULL,             -- the whole outcome, JSON
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (shop_id, id)
);
CREATE INDEX outcomes_conversation ON outcomes(shop_id, conversation);

ALTER TABLE events ADD COLUMN typed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
