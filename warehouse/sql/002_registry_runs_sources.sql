-- Version 2: papers as the registry describes them, where each row came from, and the
-- health of each run.

ALTER TABLE sites ADD COLUMN domains VARCHAR[];
ALTER TABLE sites ADD COLUMN provinces_before_2025 VARCHAR[];
ALTER TABLE sites ADD COLUMN verified VARCHAR;           -- pages | urls | unverified

-- crawl: fetched by our spider; import:warc | import:jsonl | import:text: loaded by
-- `baotinh import` (then pages.warc_file is the imported file's path and warc_offset the
-- record's offset or line number).
ALTER TABLE pages ADD COLUMN source VARCHAR DEFAULT 'crawl';
ALTER TABLE articles ADD COLUMN source VARCHAR DEFAULT 'crawl';

-- runs started together by one fan-out share a parent; per-paper health of each run.
ALTER TABLE crawl_runs ADD COLUMN parent_run_id VARCHAR;
ALTER TABLE crawl_runs ADD COLUMN article_links INTEGER;   -- article URLs discovery found
ALTER TABLE crawl_runs ADD COLUMN share_titled DOUBLE;     -- of the articles loaded
ALTER TABLE crawl_runs ADD COLUMN share_dated DOUBLE;
ALTER TABLE crawl_runs ADD COLUMN share_with_body DOUBLE;
ALTER TABLE crawl_runs ADD COLUMN health VARCHAR;          -- ok | broken | idle
ALTER TABLE crawl_runs ADD COLUMN health_reason VARCHAR;
