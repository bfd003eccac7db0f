-- The latest reported level of each named indicator in each province (today's units).
SELECT province_2025, indicator, unit, period_value, value, articles
FROM indicator_latest
WHERE indicator IN (SELECT indicator FROM indicators)
ORDER BY province_2025, indicator, unit;
