-- Version 1: papers, crawl runs, the archive index, articles and what was extracted from them.

CREATE TABLE sites (
    site_key  VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    province  VARCHAR NOT NULL,   -- the province the paper covers today
    domain    VARCHAR NOT NULL
);

CREATE TABLE crawl_runs (
    run_id             VARCHAR PRIMARY KEY,
    site_key           VARCHAR NOT NULL,
    flow_run_id        VARCHAR,
    mode               VARCHAR NOT NULL,   -- incremental | full
    base_url           VARCHAR NOT NULL,
    since              DATE,
    started_at         TIMESTAMPTZ NOT NULL,
    finished_at        TIMESTAMPTZ,
    status             VARCHAR NOT NULL,   -- running | completed | failed
    warc_file          VARCHAR,
    pages_fetched      INTEGER,
    listing_pages      INTEGER,
    articles_new       INTEGER,
    articles_updated   INTEGER,
    articles_unchanged INTEGER,
    pages_skipped      INTEGER,
    date_mentions      INTEGER,
    figures            INTEGER,
    error              VARCHAR
);

-- WARC files whose every record has been loaded.
CREATE TABLE archive_files (
    warc_file  VARCHAR PRIMARY KEY,
    site_key   VARCHAR NOT NULL,
    records    INTEGER NOT NULL,
    loaded_at  TIMESTAMPTZ NOT NULL
);

-- Every archived article response, loaded or skipped: the index for replay.
CREATE TABLE pages (
    warc_file     VARCHAR NOT NULL,
    warc_offset   BIGINT NOT NULL,
    site_key      VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,    -- as fetched
    fetched_at    TIMESTAMPTZ NOT NULL,
    status        SMALLINT NOT NULL,
    content_sha1  VARCHAR NOT NULL,
    article_id    BIGINT,              -- NULL when skipped
    skip_reason   VARCHAR,
    PRIMARY KEY (warc_file, warc_offset)
);

CREATE TABLE articles (
    article_id         BIGINT PRIMARY KEY,   -- derived from the canonical URL
    url                VARCHAR NOT NULL,     -- canonical; article_id is derived from it
    site_key           VARCHAR NOT NULL,
    title              VARCHAR,
    published_at       TIMESTAMPTZ,
    published_source   VARCHAR,              -- json-ld | meta | time-element | visible-text | url | htmldate | feed
    author             VARCHAR,
    lead               VARCHAR,
    body               VARCHAR NOT NULL,
    text_sha1          VARCHAR NOT NULL,     -- of title, lead and body
    extractor_version  VARCHAR NOT NULL,
    version            INTEGER NOT NULL,     -- 1, then +1 each time the content changed
    first_seen_at      TIMESTAMPTZ NOT NULL,
    last_fetched_at    TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    warc_file          VARCHAR NOT NULL,     -- the archived copy of this version
    warc_offset        BIGINT NOT NULL
);

CREATE TABLE date_mentions (
    article_id    BIGINT NOT NULL,
    seq           INTEGER NOT NULL,
    text          VARCHAR NOT NULL,
    start_offset  INTEGER NOT NULL,   -- into lead + "\n" + body
    end_offset    INTEGER NOT NULL,
    value         VARCHAR NOT NULL,   -- 2021-12-18 | 2021-W50 | 2021-12 | 2021-Q3 | 2021-H1 | 2021
    value_to      VARCHAR,            -- end of a range, same grain
    grain         VARCHAR NOT NULL,
    first_day     DATE NOT NULL,
    last_day      DATE NOT NULL,
    relative      BOOLEAN NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE figures (
    article_id        BIGINT NOT NULL,
    seq               INTEGER NOT NULL,
    text              VARCHAR NOT NULL,
    start_offset      INTEGER NOT NULL,
    end_offset        INTEGER NOT NULL,
    value             DOUBLE NOT NULL,
    value_max         DOUBLE,
    unit              VARCHAR,
    unit_text         VARCHAR,
    kind              VARCHAR NOT NULL,
    qualifier         VARCHAR,
    change            VARCHAR,
    per               VARCHAR,
    group_id          INTEGER,
    indicator         VARCHAR,
    sentence          VARCHAR,
    period_value      VARCHAR,
    period_value_to   VARCHAR,            -- end of a range period ("9 tháng năm 2021")
    period_grain      VARCHAR,
    period_first_day  DATE,
    period_last_day   DATE,
    period_rule       VARCHAR,            -- clause | sentence | paragraph | published
    PRIMARY KEY (article_id, seq)
);
