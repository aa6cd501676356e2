-- Shows were indexed by (shop, time) for the one read by time, the part
-- hour of a usage window that shown_counts does not cover. With many shops
-- each insert landed at its shop's end of that index, a page each, and the
-- index was half a show's cost (63-70 µs a show against 35-39 µs, 400,000
-- shows of 100 shops behind them, docs/figures.md). By (time, shop) every
-- insert lands at the index's one end; that read scans the hour's shows of
-- every shop instead of one, in the index alone (38 ms for 440,000 shows).
DROP INDEX shows_at;
CREATE INDEX shows_time ON shows(at, shop_id);
