-- shown_counts' key in the order of their hours within a shop and kind
-- (issue 13), as in the SQLite store: keyed by suggestion first, each
-- hour's rows went to every suggestion's own place among its past hours,
-- a page of the index for nearly every suggestion a chunk of shows
-- counted; by hour, they sit together at the end of their shop and kind.
ALTER TABLE shown_counts DROP CONSTRAINT shown_counts_pkey;
ALTER TABLE shown_counts ADD PRIMARY KEY (shop_id, kind, hour, suggestion_id);
