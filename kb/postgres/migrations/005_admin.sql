-- The twin of kb/sqlite's 005_admin.sql. The PostgreSQL store does not offer
-- the admin workspace yet (web answers 501 for it); the tables keep the two
-- schemas in step, so the workspace can be added without another renumbering.
ALTER TABLE phrases ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shops ADD COLUMN require_approval INTEGER NOT NULL DEFAULT 0;

CREATE TABLE phrase_versions (
    shop_id     BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    phrase_id   TEXT NOT NULL,
    n           INTEGER NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'edit', 'retire', 'restore', 'rollback', 'import')),
    status      TEXT NOT NULL CHECK (status IN ('draft', 'live', 'rejected')),
    author      TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    phrase      TEXT NOT NULL,
    base        INTEGER NOT NULL DEFAULT 0,
    rollback_to INTEGER NOT NULL DEFAULT 0,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (shop_id, phrase_id, n)
);
CREATE INDEX phrase_versions_drafts ON phrase_versions(shop_id, status);
