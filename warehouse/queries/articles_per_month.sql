-- How many articles did each paper publish per month (Vietnam time), and how many
-- distinct stories (wire copy counted once)?
SELECT site_key AS paper, month, articles, stories
FROM articles_per_month
ORDER BY paper, month;
