-- How did the state budget revenue reported in Nghệ An change from year to year?
-- One indicator in one province (today's province, so the series runs across the 2025
-- merger), yearly levels only (no "tăng 12%" changes), with how many articles said so.
SELECT period_year AS year, value, unit, articles, stories
FROM indicator_series
WHERE indicator = 'budget_revenue'
  AND province_2025 = 'Nghệ An'
  AND unit = 'VND' AND change IS NULL AND period_grain = 'year'
ORDER BY year;
