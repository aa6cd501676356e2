-- The twin of kb/postgres's 012_login_throttle.sql, which keeps the login
-- throttle's counts of wrong passwords in the database so that every
-- instance on it shares them. A SQLite store serves one process: the count
-- stays in that process's memory (web/throttle.go), where it costs no write
-- in the queue the turns commit through. Nothing to create here.
SELECT 1;
