-- Version 7: the series summary refreshed after a run, not in each load batch.
-- Recomputing a batch's slices of series_summary read the figures of those slices (about
-- 2 s per 100-article batch at 10 million figures), inside the batch's transaction. A batch
-- now only records here the (indicator, province_2025) slices it touched: where its
-- articles' figures were and are, and those of the articles whose story it regrouped.
-- indicator_series computes pending slices from the figures (exact, slower) and reads the
-- rest from series_summary; warehouse.summary.refresh_pending recomputes them and empties
-- this table at the end of each run (pipeline, reprocess, import).

CREATE TABLE series_pending (
    indicator      VARCHAR NOT NULL,   -- as indicator_map names it when the batch loaded
    province_2025  VARCHAR,
    marked_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
