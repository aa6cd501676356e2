-- The managers' review on PostgreSQL: the rollups kb/sqlite has had since
-- 007_review.sql (the same tables, the same meaning), and the triggers that
-- mark a conversation for a refresh whenever a turn, an event or an outcome
-- of it is written. The marks are statement triggers over the new rows, so
-- a batch of events (COPY) marks each of its conversations once.

-- Conversations whose rollup rows are out of date. A refresh takes marked
-- ones off, a few dozen at a time, under a per-shop advisory lock.
CREATE TABLE review_dirty (
    shop_id      BIGINT NOT NULL,
    conversation TEXT NOT NULL,
    PRIMARY KEY (shop_id, conversation)
);

CREATE FUNCTION review_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- In key order, so two writers marking the same conversations never
    -- wait for each other in a circle.
    INSERT INTO review_dirty (shop_id, conversation)
        SELECT DISTINCT shop_id, conversation FROM new_rows ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER review_dirty_turn AFTER INSERT ON turns
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_mark_dirty();
CREATE TRIGGER review_dirty_event AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_mark_dirty();
CREATE TRIGGER review_dirty_outcome AFTER INSERT ON outcomes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_mark_dirty();
INSERT INTO review_dirty (shop_id, conversation) SELECT shop_id, id FROM conversations ON CONFLICT DO NOTHING;
INSERT INTO review_dirty (shop_id, conversation) SELECT DISTINCT shop_id, conversation FROM events ON CONFLICT DO NOTHING;
INSERT INTO review_dirty (shop_id, conversation) SELECT DISTINCT shop_id, conversation FROM outcomes ON CONFLICT DO NOTHING;

-- One conversation's 考核 figures per agent and ISO week (kb/review.ConvRow).
-- day is the local date of its first buyer turn; qc_score is -1 where no
-- 质检 was made.
CREATE TABLE review_conv (
    shop_id         BIGINT NOT NULL,
    conversation    TEXT NOT NULL,
    agent           TEXT NOT NULL,
    week            TEXT NOT NULL,
    day             TEXT NOT NULL,
    product         TEXT NOT NULL,
    consultations   INTEGER NOT NULL,
    replied         INTEGER NOT NULL,
    converted       INTEGER NOT NULL,
    paid_orders     INTEGER NOT NULL,
    paid_amount     BIGINT NOT NULL,
    responses       INTEGER NOT NULL,
    response_ms     BIGINT NOT NULL,
    first_responses INTEGER NOT NULL,
    first_ms        BIGINT NOT NULL,
    qc_score        INTEGER NOT NULL,
    qc_promise      INTEGER NOT NULL,
    qc_admission    INTEGER NOT NULL,
    qc_wording      INTEGER NOT NULL,
    qc_discount     INTEGER NOT NULL,
    qc_greeting     INTEGER NOT NULL,
    qc_closing      INTEGER NOT NULL,
    PRIMARY KEY (shop_id, conversation, agent, week)
);
CREATE INDEX review_conv_day ON review_conv(shop_id, day);

-- One suggestion in one conversation (kb/review.SuggRow): used_conv whether
-- it was used there (0/1), s_* whether each outcome signal followed.
CREATE TABLE review_sugg_conv (
    shop_id      BIGINT NOT NULL,
    conversation TEXT NOT NULL,
    kind         TEXT NOT NULL,
    sid          TEXT NOT NULL,
    agent        TEXT NOT NULL,
    product      TEXT NOT NULL,
    scene        TEXT NOT NULL,
    day          TEXT NOT NULL,
    shown        INTEGER NOT NULL,
    used         INTEGER NOT NULL,
    typed        INTEGER NOT NULL,
    edited       INTEGER NOT NULL,
    dismissed    INTEGER NOT NULL,
    used_conv    INTEGER NOT NULL,
    s_paid       INTEGER NOT NULL,
    s_cancelled  INTEGER NOT NULL,
    s_refund     INTEGER NOT NULL,
    s_dispute    INTEGER NOT NULL,
    s_won        INTEGER NOT NULL,
    s_lost       INTEGER NOT NULL,
    s_good       INTEGER NOT NULL,
    s_bad        INTEGER NOT NULL,
    PRIMARY KEY (shop_id, conversation, kind, sid)
);
CREATE INDEX review_sugg_conv_day ON review_sugg_conv(shop_id, day);

-- review_conv summed per day, agent, product and week: the agents page.
CREATE TABLE review_agent_day (
    shop_id         BIGINT NOT NULL,
    day             TEXT NOT NULL,
    agent           TEXT NOT NULL,
    product         TEXT NOT NULL,
    week            TEXT NOT NULL,
    consultations   BIGINT NOT NULL,
    replied         BIGINT NOT NULL,
    converted       BIGINT NOT NULL,
    paid_orders     BIGINT NOT NULL,
    paid_amount     BIGINT NOT NULL,
    responses       BIGINT NOT NULL,
    response_ms     BIGINT NOT NULL,
    first_responses BIGINT NOT NULL,
    first_ms        BIGINT NOT NULL,
    checked         BIGINT NOT NULL,
    score_sum       BIGINT NOT NULL,
    qc_promise      BIGINT NOT NULL,
    qc_admission    BIGINT NOT NULL,
    qc_wording      BIGINT NOT NULL,
    qc_discount     BIGINT NOT NULL,
    qc_greeting     BIGINT NOT NULL,
    qc_closing      BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, agent, product, week)
);

-- review_sugg_conv summed per day, agent and suggestion, and per product too.
CREATE TABLE review_sugg_day (
    shop_id     BIGINT NOT NULL,
    day         TEXT NOT NULL,
    agent       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    sid         TEXT NOT NULL,
    scene       TEXT NOT NULL,
    shown       BIGINT NOT NULL,
    used        BIGINT NOT NULL,
    typed       BIGINT NOT NULL,
    edited      BIGINT NOT NULL,
    dismissed   BIGINT NOT NULL,
    conv_used   BIGINT NOT NULL,
    conv_unused BIGINT NOT NULL,
    u_paid BIGINT NOT NULL, u_cancelled BIGINT NOT NULL, u_refund BIGINT NOT NULL, u_dispute BIGINT NOT NULL,
    u_won  BIGINT NOT NULL, u_lost      BIGINT NOT NULL, u_good   BIGINT NOT NULL, u_bad     BIGINT NOT NULL,
    n_paid BIGINT NOT NULL, n_cancelled BIGINT NOT NULL, n_refund BIGINT NOT NULL, n_dispute BIGINT NOT NULL,
    n_won  BIGINT NOT NULL, n_lost      BIGINT NOT NULL, n_good   BIGINT NOT NULL, n_bad     BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, agent, kind, sid)
);
CREATE TABLE review_sugg_pday (
    shop_id     BIGINT NOT NULL,
    day         TEXT NOT NULL,
    agent       TEXT NOT NULL,
    product     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    sid         TEXT NOT NULL,
    scene       TEXT NOT NULL,
    shown       BIGINT NOT NULL,
    used        BIGINT NOT NULL,
    typed       BIGINT NOT NULL,
    edited      BIGINT NOT NULL,
    dismissed   BIGINT NOT NULL,
    conv_used   BIGINT NOT NULL,
    conv_unused BIGINT NOT NULL,
    u_paid BIGINT NOT NULL, u_cancelled BIGINT NOT NULL, u_refund BIGINT NOT NULL, u_dispute BIGINT NOT NULL,
    u_won  BIGINT NOT NULL, u_lost      BIGINT NOT NULL, u_good   BIGINT NOT NULL, u_bad     BIGINT NOT NULL,
    n_paid BIGINT NOT NULL, n_cancelled BIGINT NOT NULL, n_refund BIGINT NOT NULL, n_dispute BIGINT NOT NULL,
    n_won  BIGINT NOT NULL, n_lost      BIGINT NOT NULL, n_good   BIGINT NOT NULL, n_bad     BIGINT NOT NULL,
    PRIMARY KEY (shop_id, product, day, agent, kind, sid)
);
