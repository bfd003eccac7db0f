-- Views for analysis; recreated when this file changes, they hold no data.

-- The named indicator of each (indicator_key, unit): a user's row wins over a starter row.
CREATE OR REPLACE VIEW indicator_lookup AS
SELECT indicator_key, unit,
       arg_min(indicator, CASE source WHEN 'user' THEN 0 ELSE 1 END) AS indicator
FROM indicator_map
GROUP BY indicator_key, unit;

-- Each paper's province as it was (the first of provinces_before_2025) and today's.
CREATE OR REPLACE VIEW paper_provinces AS
SELECT
    site_key,
    coalesce(provinces_before_2025[1], province) AS paper_province,
    province                                     AS paper_province_2025
FROM sites;

-- Every figure with its article, paper, places and indicator.
-- `province` is the paper's province today (as before issue 10, kept for existing
-- queries); `figure_province` is where the figure is (a province its sentence, paragraph
-- or lead names, else the paper's as it was; `province_rule` says which) and
-- `province_2025` that province after the 2025 merger. `indicator_key` is the phrase
-- lowercased (kept for existing queries); `indicator_norm` the normalised key and
-- `indicator_name` the named indicator the mapping gives it.
CREATE OR REPLACE VIEW figure_facts AS
SELECT
    p.paper_province_2025 AS province,
    a.site_key,
    a.article_id,
    a.url,
    a.title,
    a.published_at,
    f.seq,
    f.indicator,
    lower(f.indicator) AS indicator_key,
    f.value,
    f.value_max,
    f.unit,
    f.kind,
    f.qualifier,
    f.change,
    f.group_id,
    f.period_value,
    f.period_value_to,
    f.period_grain,
    f.period_first_day,
    f.period_last_day,
    f.period_rule,
    year(f.period_first_day) AS period_year,
    f.text,
    f.sentence,
    coalesce(m.story_id, a.article_id) AS story_id,  -- near-duplicates share one
    p.paper_province,
    p.paper_province_2025,
    coalesce(f.place_province, p.paper_province) AS figure_province,
    coalesce(ps.province_2025, f.place_province, p.paper_province_2025) AS province_2025,
    CASE WHEN f.place_province IS NULL THEN 'paper' ELSE f.place_rule END AS province_rule,
    f.place_district AS district,
    f.indicator_key AS indicator_norm,
    f.indicator_name,
    f.numerator,
    f.denominator,
    f.share
FROM (
    -- the indicator mapping first, so that a filter on the indicator is applied before
    -- the join with articles
    SELECT f.*, coalesce(iu.indicator, ia.indicator) AS indicator_name
    FROM figures AS f
    LEFT JOIN indicator_lookup AS iu ON iu.indicator_key = f.indicator_key AND iu.unit = f.unit
    LEFT JOIN indicator_lookup AS ia ON ia.indicator_key = f.indicator_key AND ia.unit = '*'
) AS f
JOIN articles AS a USING (article_id)
JOIN paper_provinces AS p USING (site_key)
LEFT JOIN story_members AS m USING (article_id)
LEFT JOIN province_successors AS ps
    ON ps.province_before = coalesce(f.place_province, p.paper_province);

-- figure_facts with wire copy counted once: one mention per story, indicator, period, value.
CREATE OR REPLACE VIEW story_figure_facts AS
SELECT * FROM figure_facts
QUALIFY row_number() OVER (
    PARTITION BY story_id, indicator_key, unit, change, period_value, period_value_to, value
    ORDER BY published_at, article_id, seq) = 1;

-- The longitudinal series computed from the figures (what series_summary holds, and what
-- indicator_series gives): one row per province, indicator, unit, change and reported
-- period (month, quarter, half, year, ...). `province` is the figure's province as it
-- was, `province_2025` the same after the merger, so a series does not break in 2025.
-- `indicator` is the named indicator (indicator_map) or else the normalised key;
-- phrases that are not indicators (`|`, "có chiều dài") are left out. Changes ("tăng
-- 12,3%") are kept apart from levels; several articles reporting one period are
-- summarised (median) and counted.
CREATE OR REPLACE VIEW indicator_series_live AS
SELECT
    figure_province                              AS province,
    province_2025,
    coalesce(indicator_name, indicator_norm)     AS indicator,
    min(indicator_norm)                          AS indicator_key,
    unit,
    change,
    period_grain,
    period_value,
    period_value_to,
    period_first_day,
    period_last_day,
    period_year,
    median(value)                AS value,
    min(value)                   AS min_value,
    max(value)                   AS max_value,
    count(*)                     AS mentions,
    count(DISTINCT article_id)   AS articles,
    count(DISTINCT story_id)     AS stories
FROM figure_facts
WHERE indicator_norm IS NOT NULL
GROUP BY ALL;

-- The indicator each summarised (indicator_key, unit) pair is under in series_summary,
-- and the one indicator_map gives it now.
CREATE OR REPLACE VIEW series_key_names AS
SELECT k.indicator_key, k.unit, k.indicator AS summarised,
       coalesce(iu.indicator, ia.indicator, k.indicator_key) AS indicator
FROM series_summary_keys AS k
LEFT JOIN indicator_lookup AS iu ON iu.indicator_key = k.indicator_key AND iu.unit = k.unit
LEFT JOIN indicator_lookup AS ia ON ia.indicator_key = k.indicator_key AND ia.unit = '*';

-- Indicators whose summary rows an indicator_map edit made out of date: both the name a
-- pair had and the one it has now.
CREATE OR REPLACE VIEW series_stale AS
SELECT summarised AS indicator FROM series_key_names WHERE summarised <> indicator
UNION
SELECT indicator FROM series_key_names WHERE summarised <> indicator;

-- The slices of series_summary loads changed since the last refresh
-- (warehouse.summary.refresh_pending, at the end of each run), but for stale indicators
-- (series_stale_live has those in every province).
CREATE OR REPLACE VIEW series_pending_slices AS
SELECT DISTINCT indicator, province_2025, period_year FROM series_pending
WHERE indicator NOT IN (SELECT indicator FROM series_stale);

-- indicator_series_live for what the summary does not hold yet: the stale indicators (in
-- every province) and the pending slices. The figures of the pairs their indicators name
-- (a load lists a new pair in series_summary_keys) are joined first, so that with nothing
-- stale or pending no figure is read; a pending figure is then kept when it falls in a
-- pending slice's province and year. `why` (stale, pending) is a group column: the two
-- never share an indicator.
CREATE OR REPLACE VIEW series_recomputed AS
SELECT
    f.why,
    coalesce(f.place_province, p.paper_province)                          AS province,
    coalesce(ps.province_2025, f.place_province, p.paper_province_2025)   AS province_2025,
    f.name                                                                AS indicator,
    min(f.indicator_key)                                                  AS indicator_key,
    f.unit,
    f.change,
    f.period_grain,
    f.period_value,
    f.period_value_to,
    f.period_first_day,
    f.period_last_day,
    year(f.period_first_day)                                              AS period_year,
    median(f.value)                                                       AS value,
    min(f.value)                                                          AS min_value,
    max(f.value)                                                          AS max_value,
    count(*)                                                              AS mentions,
    count(DISTINCT f.article_id)                                          AS articles,
    count(DISTINCT coalesce(m.story_id, f.article_id))                    AS stories
FROM (
    SELECT f.*, k.indicator AS name, 'stale' AS why
    FROM series_key_names AS k
    JOIN figures AS f ON f.indicator_key = k.indicator_key AND f.unit IS NOT DISTINCT FROM k.unit
    WHERE k.indicator IN (SELECT indicator FROM series_stale)
    UNION ALL
    SELECT f.*, k.indicator AS name, 'pending' AS why
    FROM series_key_names AS k
    JOIN figures AS f ON f.indicator_key = k.indicator_key AND f.unit IS NOT DISTINCT FROM k.unit
    WHERE k.indicator IN (SELECT indicator FROM series_pending_slices)
      AND year(f.period_first_day) IN (SELECT period_year FROM series_pending_slices)
    UNION ALL  -- figures without a period, when such a slice is pending
    SELECT f.*, k.indicator AS name, 'pending' AS why
    FROM series_key_names AS k
    JOIN figures AS f ON f.indicator_key = k.indicator_key AND f.unit IS NOT DISTINCT FROM k.unit
    WHERE k.indicator IN (SELECT indicator FROM series_pending_slices WHERE period_year IS NULL)
      AND f.period_first_day IS NULL
) AS f
JOIN articles AS a USING (article_id)
JOIN paper_provinces AS p USING (site_key)
LEFT JOIN story_members AS m USING (article_id)
LEFT JOIN province_successors AS ps
    ON ps.province_before = coalesce(f.place_province, p.paper_province)
LEFT JOIN series_pending_slices AS q
    ON q.indicator = f.name
    AND q.province_2025 IS NOT DISTINCT FROM
        coalesce(ps.province_2025, f.place_province, p.paper_province_2025)
    AND q.period_year IS NOT DISTINCT FROM year(f.period_first_day)
WHERE f.why = 'stale' OR q.indicator IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE VIEW series_stale_live AS
SELECT * EXCLUDE (why) FROM series_recomputed WHERE why = 'stale';

CREATE OR REPLACE VIEW series_pending_live AS
SELECT * EXCLUDE (why) FROM series_recomputed WHERE why = 'pending';

-- The longitudinal series: one row per province, indicator, unit, change and reported
-- period (month, quarter, half, year, ...). `province` is the figure's province as it
-- was, `province_2025` the same after the merger, so a series does not break in 2025.
-- `indicator` is the named indicator (indicator_map) or else the normalised key;
-- phrases that are not indicators (`|`, "có chiều dài") are left out. Changes ("tăng
-- 12,3%") are kept apart from levels; several articles reporting one period are
-- summarised (median) and counted. Read from series_summary, except for indicators an
-- indicator_map edit renamed (series_stale) and the slices loaded since the last refresh
-- (series_pending), computed from the figures: the same rows as indicator_series_live.
CREATE OR REPLACE VIEW indicator_series AS
SELECT * FROM series_summary AS s
WHERE s.indicator NOT IN (SELECT indicator FROM series_stale)
  AND NOT EXISTS (
    SELECT 1 FROM series_pending AS q
    WHERE q.indicator = s.indicator AND q.province_2025 IS NOT DISTINCT FROM s.province_2025
      AND q.period_year IS NOT DISTINCT FROM s.period_year
  )
UNION ALL
SELECT * EXCLUDE (why) FROM series_recomputed;

-- The latest reported level of each indicator per province (today's provinces): the
-- series row with the latest period end; ties broken by more articles.
CREATE OR REPLACE VIEW indicator_latest AS
SELECT
    province_2025,
    indicator,
    unit,
    arg_max(province, (period_last_day, articles))       AS province,
    arg_max(period_value, (period_last_day, articles))   AS period_value,
    arg_max(period_grain, (period_last_day, articles))   AS period_grain,
    arg_max(value, (period_last_day, articles))          AS value,
    arg_max(articles, (period_last_day, articles))       AS articles,
    max(period_last_day)                                 AS period_last_day,
    count(*)                                             AS periods
FROM indicator_series
WHERE change IS NULL AND period_value_to IS NULL
GROUP BY province_2025, indicator, unit;

-- Articles per paper and calendar month (Vietnam time), with stories counted once.
CREATE OR REPLACE VIEW articles_per_month AS
SELECT
    a.site_key,
    s.name                                         AS paper,
    p.paper_province                               AS province,
    p.paper_province_2025                          AS province_2025,
    strftime(a.published_at, '%Y-%m')              AS month,
    count(*)                                       AS articles,
    count(DISTINCT coalesce(m.story_id, a.article_id)) AS stories
FROM articles AS a
JOIN sites AS s USING (site_key)
JOIN paper_provinces AS p USING (site_key)
LEFT JOIN story_members AS m USING (article_id)
WHERE a.published_at IS NOT NULL
GROUP BY ALL;
