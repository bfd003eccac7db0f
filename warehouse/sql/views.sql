-- Views for analysis; recreated on every migration run, they hold no data.

CREATE OR REPLACE VIEW figure_facts AS
SELECT
    s.province,
    a.site_key,
    a.article_id,
    a.url,
    a.title,
    a.published_at,
    f.seq,
    f.indicator,
    lower(f.indicator) AS indicator_key,  -- for grouping: sentence case varies
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
    coalesce(m.story_id, a.article_id) AS story_id  -- near-duplicates share one
FROM figures AS f
JOIN articles AS a USING (article_id)
JOIN sites AS s USING (site_key)
LEFT JOIN story_members AS m USING (article_id);

-- figure_facts with wire copy counted once: one mention per story, indicator, period, value.
CREATE OR REPLACE VIEW story_figure_facts AS
SELECT * FROM figure_facts
QUALIFY row_number() OVER (
    PARTITION BY story_id, indicator_key, unit, change, period_value, period_value_to, value
    ORDER BY published_at, article_id, seq) = 1;

-- One row per province, indicator, unit and reported period: the longitudinal series.
-- Changes ("tăng 12,3%") are kept apart from levels; several articles reporting the same
-- period are summarised (median) and counted.
CREATE OR REPLACE VIEW indicator_series AS
SELECT
    province,
    indicator_key AS indicator,
    unit,
    change,
    period_grain,
    period_value,
    period_value_to,
    period_first_day,
    period_year,
    median(value)               AS value,
    min(value)                  AS min_value,
    max(value)                  AS max_value,
    count(*)                    AS mentions,
    count(DISTINCT article_id)  AS articles,
    count(DISTINCT story_id)    AS stories
FROM figure_facts
WHERE indicator IS NOT NULL
GROUP BY ALL;
