-- The twin of kb/sqlite's 012_login_throttle.sql: wrong passwords per login
-- name, shared by every instance on the database, so a guesser cannot try
-- five passwords on each instance behind the load balancer.
CREATE TABLE login_failures (
    name_key text PRIMARY KEY,
    failures integer NOT NULL,
    first_at timestamptz NOT NULL
);
CREATE INDEX login_failures_first ON login_failures(first_at);
