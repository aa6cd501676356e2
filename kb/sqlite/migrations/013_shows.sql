-- A suggestion set pushed to an agent's panel is one record per push
-- (issue 13): the turn, the agent, the time. The set shown is the turn's
-- stored set, so its members are not repeated here; they were one shown
-- event each before (events, action 'shown'), which are kept and still read.
CREATE TABLE shows (
    id           INTEGER PRIMARY KEY, -- the order recorded
    shop_id      INTEGER NOT NULL,
    conversation TEXT NOT NULL,
    turn         INTEGER NOT NULL,
    agent        TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX shows_conversation ON shows(shop_id, conversation);
CREATE INDEX shows_at ON shows(shop_id, at);
CREATE TRIGGER review_dirty_show AFTER INSERT ON shows BEGIN
    INSERT OR IGNORE INTO review_dirty (shop_id, conversation) VALUES (NEW.shop_id, NEW.conversation);
END;

-- How many times each suggestion was shown per hour (UTC, the hour's
-- start as a stamp), written with the shows: the suggestion report and the
-- admin workspace's usage counts sum these instead of opening every set.
CREATE TABLE shown_counts (
    shop_id       INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    suggestion_id TEXT NOT NULL,
    hour          TEXT NOT NULL,
    shown         INTEGER NOT NULL,
    PRIMARY KEY (shop_id, kind, suggestion_id, hour)
) WITHOUT ROWID;
