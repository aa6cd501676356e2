-- A writer whose conversation was already marked for a refresh used to
-- leave the mark alone (ON CONFLICT DO NOTHING). A refresh could then take
-- that mark and read the conversation before the writer committed, and the
-- writer's record stayed out of the rollup until the conversation was
-- written again. Now every writer touches the mark: the row lock it holds
-- until it commits keeps the refresh off the mark (the refresh skips
-- locked marks and takes them on a later pass, kb/postgres/review.go).
CREATE OR REPLACE FUNCTION review_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- In key order, so two writers marking the same conversations never
    -- wait for each other in a circle.
    INSERT INTO review_dirty (shop_id, conversation)
        SELECT DISTINCT shop_id, conversation FROM new_rows ORDER BY 1, 2
        ON CONFLICT (shop_id, conversation) DO UPDATE SET shop_id = EXCLUDED.shop_id;
    RETURN NULL;
END $$;
