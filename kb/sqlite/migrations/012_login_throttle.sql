-- Wrong passwords per login name, kept in the store so that every server
-- on it counts them together (web/throttle.go holds the policy: how many,
-- over what window). name_key is the name folded as the throttle keys it;
-- first_at is when the count started. Rows whose window has passed are
-- swept as new failures are counted.
CREATE TABLE login_failures (
    name_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_failures_first ON login_failures(first_at);
