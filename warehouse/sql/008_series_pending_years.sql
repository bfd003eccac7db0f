-- Version 8: a pending slice of the series summary is (indicator, province_2025,
-- period_year). The views compute pending slices from the figures; a province-wide slice
-- of a common indicator is a tenth of the warehouse at 10 million figures, so 20 batches of
-- as many papers pending made a whole-series query take 15 s. News reports the last year
-- or two, so a year keeps slices small. What a file had pending before stays pending in
-- every year (and, as NULL, for figures without a period).

ALTER TABLE series_pending ADD COLUMN period_year BIGINT;  -- year(period_first_day)

INSERT INTO series_pending (indicator, province_2025, period_year, marked_at)
SELECT p.indicator, p.province_2025, y.period_year, p.marked_at
FROM series_pending AS p,
     (SELECT DISTINCT year(period_first_day) AS period_year FROM figures
      WHERE period_first_day IS NOT NULL) AS y;
