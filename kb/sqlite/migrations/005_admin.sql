-- The knowledge admin's workspace. A retired phrase is hidden from
-- suggestions but kept, for its history and the reports that name it.
ALTER TABLE phrases ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;

-- A shop that requires approval keeps one admin's change as a draft until a
-- second admin approves it.
ALTER TABLE shops ADD COLUMN require_approval INTEGER NOT NULL DEFAULT 0;

-- Every change of a phrase is a version: n counts from 1 per phrase, phrase
-- is the whole phrase after the change, as JSON (id, scene, title, text,
-- tags, code, retired). status: draft (waiting for a second admin), live
-- (applied; approved_by names the approver when approval was required) or
-- rejected. base is the live version a draft was written over: a draft
-- whose base is no longer the phrase's live version cannot be approved.
CREATE TABLE phrase_versions (
    shop_id     INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    phrase_id   TEXT NOT NULL,
    n           INTEGER NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'edit', 'retire', 'restore', 'rollback', 'import')),
    status      TEXT NOT NULL CHECK (status IN ('draft', 'live', 'rejected')),
    author      TEXT NOT NULL,
    at          TEXT NOT NULL,
    phrase      TEXT NOT NULL,
    base        INTEGER NOT NULL DEFAULT 0,
    rollback_to INTEGER NOT NULL DEFAULT 0,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (shop_id, phrase_id, n)
);
CREATE INDEX phrase_versions_drafts ON phrase_versions(shop_id, status);

-- Usage beside each phrase counts a shop's events of the last days.
CREATE INDEX events_recent ON events(shop_id, kind, at);
