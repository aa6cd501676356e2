-- The managers' review: what happened after a conversation (outcomes, from
-- the chat platform), whether an agent typed a shown phrase instead of
-- clicking it, and rollups the review pages read instead of the raw log.

-- An outcome as the platform posted it. id is the platform's own id: a
-- retried post with the same id is one outcome.
CREATE TABLE outcomes (
    shop_id      INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    conversation TEXT NOT NULL,
    kind         TEXT NOT NULL,
    at           TEXT NOT NULL,
    amount       INTEGER NOT NULL DEFAULT 0, -- fen
    details      TEXT NOT NULL,              -- the whole outcome, JSON
    received_at  TEXT NOT NULL,
    PRIMARY KEY (shop_id, id)
);
CREATE INDEX outcomes_conversation ON outcomes(shop_id, conversation);

-- A used event found in the agent's text (typed), and one sent with changes.
ALTER TABLE events ADD COLUMN typed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;

-- Conversations whose rollup rows are out of date. Every write a figure
-- depends on marks its conversation; the review refreshes marked ones
-- before it answers, a few hundred at a time.
CREATE TABLE review_dirty (
    shop_id      INTEGER NOT NULL,
    conversation TEXT NOT NULL,
    PRIMARY KEY (shop_id, conversation)
) WITHOUT ROWID;
CREATE TRIGGER review_dirty_turn AFTER INSERT ON turns BEGIN
    INSERT OR IGNORE INTO review_dirty (shop_id, conversation) VALUES (NEW.shop_id, NEW.conversation);
END;
CREATE TRIGGER review_dirty_event AFTER INSERT ON events BEGIN
    INSERT OR IGNORE INTO review_dirty (shop_id, conversation) VALUES (NEW.shop_id, NEW.conversation);
END;
CREATE TRIGGER review_dirty_outcome AFTER INSERT ON outcomes BEGIN
    INSERT OR IGNORE INTO review_dirty (shop_id, conversation) VALUES (NEW.shop_id, NEW.conversation);
END;
INSERT OR IGNORE INTO review_dirty (shop_id, conversation) SELECT shop_id, id FROM conversations;

-- One conversation's 考核 figures, per agent and ISO week (usually one row;
-- a run answered by a second agent adds one). Summing rows gives the
-- figures of kb/review.Agents. day is the local date of the conversation's
-- first buyer turn; the 质检 columns are on the consultation's row.
CREATE TABLE review_conv (
    shop_id         INTEGER NOT NULL,
    conversation    TEXT NOT NULL,
    agent           TEXT NOT NULL,
    week            TEXT NOT NULL,
    day             TEXT NOT NULL,
    product         TEXT NOT NULL,
    consultations   INTEGER NOT NULL,
    replied         INTEGER NOT NULL,
    converted       INTEGER NOT NULL,
    paid_orders     INTEGER NOT NULL,
    paid_amount     INTEGER NOT NULL,
    responses       INTEGER NOT NULL,
    response_ms     INTEGER NOT NULL,
    first_responses INTEGER NOT NULL,
    first_ms        INTEGER NOT NULL,
    qc_score        INTEGER NOT NULL, -- 0..100 on the consultation's row, else 0
    qc_promise      INTEGER NOT NULL,
    qc_admission    INTEGER NOT NULL,
    qc_wording      INTEGER NOT NULL,
    qc_discount     INTEGER NOT NULL,
    qc_greeting     INTEGER NOT NULL,
    qc_closing      INTEGER NOT NULL,
    PRIMARY KEY (shop_id, conversation, agent, week)
) WITHOUT ROWID;
CREATE INDEX review_conv_day ON review_conv(shop_id, day);

-- One suggestion in one conversation: kb/review.Suggestions of that
-- conversation alone. used_conv says whether it was used there; s_* whether
-- each outcome signal followed (after the first use, or the first showing).
CREATE TABLE review_sugg_conv (
    shop_id      INTEGER NOT NULL,
    conversation TEXT NOT NULL,
    kind         TEXT NOT NULL,
    sid          TEXT NOT NULL,
    agent        TEXT NOT NULL,
    product      TEXT NOT NULL,
    scene        TEXT NOT NULL,
    day          TEXT NOT NULL, -- local date of its first showing
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
) WITHOUT ROWID;
CREATE INDEX review_sugg_conv_day ON review_sugg_conv(shop_id, day);

-- review_conv summed per day, agent, product and week: what the agents
-- page reads (a few thousand rows a month, not one per conversation).
CREATE TABLE review_agent_day (
    shop_id         INTEGER NOT NULL,
    day             TEXT NOT NULL,
    agent           TEXT NOT NULL,
    product         TEXT NOT NULL,
    week            TEXT NOT NULL,
    consultations   INTEGER NOT NULL,
    replied         INTEGER NOT NULL,
    converted       INTEGER NOT NULL,
    paid_orders     INTEGER NOT NULL,
    paid_amount     INTEGER NOT NULL,
    responses       INTEGER NOT NULL,
    response_ms     INTEGER NOT NULL,
    first_responses INTEGER NOT NULL,
    first_ms        INTEGER NOT NULL,
    checked         INTEGER NOT NULL,
    score_sum       INTEGER NOT NULL,
    qc_promise      INTEGER NOT NULL,
    qc_admission    INTEGER NOT NULL,
    qc_wording      INTEGER NOT NULL,
    qc_discount     INTEGER NOT NULL,
    qc_greeting     INTEGER NOT NULL,
    qc_closing      INTEGER NOT NULL,
    PRIMARY KEY (shop_id, day, agent, product, week)
) WITHOUT ROWID;

-- review_sugg_conv summed per day, agent and suggestion (review_sugg_day),
-- and per product too (review_sugg_pday, for a page filtered by product).
CREATE TABLE review_sugg_day (
    shop_id     INTEGER NOT NULL,
    day         TEXT NOT NULL,
    agent       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    sid         TEXT NOT NULL,
    scene       TEXT NOT NULL,
    shown       INTEGER NOT NULL,
    used        INTEGER NOT NULL,
    typed       INTEGER NOT NULL,
    edited      INTEGER NOT NULL,
    dismissed   INTEGER NOT NULL,
    conv_used   INTEGER NOT NULL,
    conv_unused INTEGER NOT NULL,
    u_paid INTEGER NOT NULL, u_cancelled INTEGER NOT NULL, u_refund INTEGER NOT NULL, u_dispute INTEGER NOT NULL,
    u_won  INTEGER NOT NULL, u_lost      INTEGER NOT NULL, u_good   INTEGER NOT NULL, u_bad     INTEGER NOT NULL,
    n_paid INTEGER NOT NULL, n_cancelled INTEGER NOT NULL, n_refund INTEGER NOT NULL, n_dispute INTEGER NOT NULL,
    n_won  INTEGER NOT NULL, n_lost      INTEGER NOT NULL, n_good   INTEGER NOT NULL, n_bad     INTEGER NOT NULL,
    PRIMARY KEY (shop_id, day, agent, kind, sid)
) WITHOUT ROWID;
CREATE TABLE review_sugg_pday (
    shop_id     INTEGER NOT NULL,
    day         TEXT NOT NULL,
    agent       TEXT NOT NULL,
    product     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    sid         TEXT NOT NULL,
    scene       TEXT NOT NULL,
    shown       INTEGER NOT NULL,
    used        INTEGER NOT NULL,
    typed       INTEGER NOT NULL,
    edited      INTEGER NOT NULL,
    dismissed   INTEGER NOT NULL,
    conv_used   INTEGER NOT NULL,
    conv_unused INTEGER NOT NULL,
    u_paid INTEGER NOT NULL, u_cancelled INTEGER NOT NULL, u_refund INTEGER NOT NULL, u_dispute INTEGER NOT NULL,
    u_won  INTEGER NOT NULL, u_lost      INTEGER NOT NULL, u_good   INTEGER NOT NULL, u_bad     INTEGER NOT NULL,
    n_paid INTEGER NOT NULL, n_cancelled INTEGER NOT NULL, n_refund INTEGER NOT NULL, n_dispute INTEGER NOT NULL,
    n_won  INTEGER NOT NULL, n_lost      INTEGER NOT NULL, n_good   INTEGER NOT NULL, n_bad     INTEGER NOT NULL,
    PRIMARY KEY (shop_id, product, day, agent, kind, sid)
) WITHOUT ROWID;
