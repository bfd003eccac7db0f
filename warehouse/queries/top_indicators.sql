-- Which indicators are reported most widely: in how many provinces, over how many years,
-- by how many articles (levels only).
SELECT indicator, unit,
       count(DISTINCT province_2025)  AS provinces,
       count(DISTINCT period_year)    AS years,
       min(period_year)               AS first_year,
       max(period_year)               AS last_year,
       sum(articles)                  AS articles
FROM indicator_series
WHERE change IS NULL
GROUP BY ALL
ORDER BY provinces DESC, years DESC, articles DESC, indicator
LIMIT 20;
