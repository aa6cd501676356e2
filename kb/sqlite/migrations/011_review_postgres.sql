-- The twin of kb/postgres's 011_review_postgres.sql: the PostgreSQL store
-- gains the review's rollup tables and the triggers that mark conversations
-- for a refresh, which this store has had since 007_review.sql. Nothing to do
-- here.
SELECT 1;
