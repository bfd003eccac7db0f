-- Version 4: provinces before and after the 2025 merger, the editable indicator mapping,
-- and what figures gained: shares of a whole, the indicator key, the place their text names.

-- Provincial-level units of both eras, from `vietnamadminunits` through registry.provinces;
-- filled (once) by warehouse.provinces when a writer connects.
CREATE TABLE provinces (
    era        VARCHAR NOT NULL,     -- before_2025 | from_2025
    code       VARCHAR NOT NULL,     -- General Statistics Office code
    name       VARCHAR NOT NULL,     -- short name: "Hà Giang", "Hồ Chí Minh"
    full_name  VARCHAR NOT NULL,     -- "Tỉnh Hà Giang"
    key        VARCHAR NOT NULL,     -- the package's key
    PRIMARY KEY (era, name)
);

-- Each pre-2025 province and the post-2025 province it became part of (since 1 July 2025).
CREATE TABLE province_successors (
    province_before  VARCHAR PRIMARY KEY,
    province_2025    VARCHAR NOT NULL
);

-- Named indicators (the starter set, and any a user adds).
CREATE TABLE indicators (
    indicator  VARCHAR PRIMARY KEY,  -- budget_revenue, grdp_growth, tourists, ...
    label_vi   VARCHAR,
    source     VARCHAR NOT NULL DEFAULT 'user'   -- starter | user
);

-- Editable mapping: figures whose indicator_key (and unit, '*' = any) match a row get its
-- indicator in the views. Starter rows are refreshed from transforms/data/indicators.toml;
-- rows with source 'user' are never touched and win over starter rows.
CREATE TABLE indicator_map (
    indicator_key  VARCHAR NOT NULL,   -- as in figures.indicator_key
    unit           VARCHAR NOT NULL DEFAULT '*',
    indicator      VARCHAR NOT NULL,
    phrase         VARCHAR,            -- the wording it was written from
    source         VARCHAR NOT NULL DEFAULT 'user',
    PRIMARY KEY (indicator_key, unit, source)
);

ALTER TABLE figures ADD COLUMN numerator INTEGER;        -- "12/15 xã": 12
ALTER TABLE figures ADD COLUMN denominator INTEGER;      -- 15
ALTER TABLE figures ADD COLUMN share DOUBLE;             -- 0.8
ALTER TABLE figures ADD COLUMN indicator_key VARCHAR;    -- normalised; NULL: not a phrase
ALTER TABLE figures ADD COLUMN place_province VARCHAR;   -- a province its text names
ALTER TABLE figures ADD COLUMN place_rule VARCHAR;       -- sentence | paragraph | lead
ALTER TABLE figures ADD COLUMN place_district VARCHAR;   -- "huyện Đồng Văn", as written
