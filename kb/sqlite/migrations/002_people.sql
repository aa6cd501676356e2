-- People, their sessions and tokens, the conversations they handle and what
-- they did with the suggestions. Secrets are stored only as hashes.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'admin', 'manager')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    id_hash    BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE conversations (
    id         TEXT PRIMARY KEY,
    turns      INTEGER NOT NULL DEFAULT 0,
    last_text  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX conversations_updated ON conversations(updated_at);

-- suggestions holds the suggestion set exactly as it was sent (JSON).
CREATE TABLE turns (
    conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    role         TEXT NOT NULL,
    text         TEXT NOT NULL,
    product      TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL,
    posted_by    TEXT NOT NULL DEFAULT '',
    suggestions  TEXT NOT NULL,
    PRIMARY KEY (conversation, idx)
);

-- Events are kept even when their conversation is gone: they are the record.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    conversation  TEXT NOT NULL,
    turn          INTEGER NOT NULL,
    agent         TEXT NOT NULL,
    suggestion_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('shown', 'used', 'dismissed')),
    at            TEXT NOT NULL
);

CREATE INDEX events_suggestion ON events(suggestion_id, kind, action);
