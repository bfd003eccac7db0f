-- How does the poverty rate compare across provinces, year by year? One row per province
-- as it was (before the 2025 merger) and year; province_2025 says where it is today.
SELECT province, province_2025, period_year AS year, median(value) AS value,
       sum(articles) AS articles
FROM indicator_series
WHERE indicator = 'poverty_rate' AND unit = '%' AND change IS NULL
  AND period_grain = 'year'
GROUP BY ALL
ORDER BY year, province;
