-- The twin of kb/postgres's 014_review_marks_lock.sql, which makes a
-- writer's mark on a conversation hold a refresh off until it commits.
-- SQLite has one writer at a time and a refresh takes its marks in a write
-- transaction of its own, so a mark is never taken while a write that made
-- it is open. Nothing to do here.
SELECT 1;
