-- shown_counts kept in the order of their hours within a shop and kind
-- (issue 13). Keyed by suggestion first, each hour's rows went to every
-- suggestion's own place among its past hours: after months, a chunk of
-- shows wrote a page of the table for nearly every suggestion it counted,
-- and read it back first. By hour, the hour's rows of a shop and kind sit
-- together at the end of its range; the usage windows (hour >= ?) read only
-- their hours.
CREATE TABLE shown_counts_by_hour (
    shop_id       INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    suggestion_id TEXT NOT NULL,
    hour          TEXT NOT NULL,
    shown         INTEGER NOT NULL,
    PRIMARY KEY (shop_id, kind, hour, suggestion_id)
) WITHOUT ROWID;
INSERT INTO shown_counts_by_hour (shop_id, kind, suggestion_id, hour, shown)
    SELECT shop_id, kind, suggestion_id, hour, shown FROM shown_counts ORDER BY shop_id, kind, hour, suggestion_id;
DROP TABLE shown_counts;
ALTER TABLE shown_counts_by_hour RENAME TO shown_counts;
