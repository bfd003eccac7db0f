-- Version 6: the longitudinal series materialised (issue 10, the warehouse at scale).
-- `indicator_series` grouped every figure of the warehouse at each query (13 s at 10
-- million figures); it now reads this table, which the loader keeps current
-- (warehouse.summary): each batch recomputes the (indicator, province_2025) slices its
-- articles touch, in the batch's transaction. Filled for existing data when a writer
-- first connects after this migration (warehouse.summary.ensure_built).

-- One row per province, indicator, unit, change and period: indicator_series' columns.
CREATE TABLE series_summary (
    province          VARCHAR,
    province_2025     VARCHAR,
    indicator         VARCHAR NOT NULL,   -- the name series_summary_keys gave the figures
    indicator_key     VARCHAR,
    unit              VARCHAR,
    change            VARCHAR,
    period_grain      VARCHAR,
    period_value      VARCHAR,
    period_value_to   VARCHAR,
    period_first_day  DATE,
    period_last_day   DATE,
    period_year       BIGINT,
    value             DOUBLE,
    min_value         DOUBLE,
    max_value         DOUBLE,
    mentions          BIGINT,
    articles          BIGINT,
    stories           BIGINT
);

-- The indicator each (indicator_key, unit) of the figures was summarised under. When a
-- user's edit of indicator_map names a pair differently, the views compute the indicators
-- concerned from the figures instead (so the edit shows at once) until a load refreshes them.
CREATE TABLE series_summary_keys (
    indicator_key  VARCHAR NOT NULL,
    unit           VARCHAR,
    indicator      VARCHAR NOT NULL
);

-- One row once the summary holds every figure loaded (built_at: its last full build).
CREATE TABLE series_summary_state (
    built_at  TIMESTAMPTZ NOT NULL
);
