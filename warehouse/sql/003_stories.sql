-- Version 3: stories. Papers re-publish one story (wire copy); every article keeps its row,
-- and near-duplicates share a story_id so that counts can take each story once.
-- Filled by warehouse.stories.link_stories; signatures and band keys by transforms.neardup.

-- One row per linked article: its MinHash signature and its story.
CREATE TABLE story_members (
    article_id    BIGINT PRIMARY KEY,
    story_id      BIGINT NOT NULL,       -- article_id of the group's earliest-published article
    published_at  TIMESTAMPTZ,           -- as linked: decides which article names the story
    signature     UINTEGER[],            -- MinHash values; NULL for a text too short to compare
    linked_at     TIMESTAMPTZ NOT NULL
);

-- LSH band keys: two articles sharing a (band, key) are candidates, then verified.
CREATE TABLE story_bands (
    article_id  BIGINT NOT NULL,
    band        SMALLINT NOT NULL,
    key         BIGINT NOT NULL
);

-- Verified near-duplicate pairs, stored both ways; a story is a connected group of them.
CREATE TABLE story_links (
    article_id  BIGINT NOT NULL,
    other_id    BIGINT NOT NULL,
    similarity  REAL NOT NULL            -- estimated Jaccard similarity of 5-syllable shingles
);

-- Every article with its story (an article not linked yet is a story of its own).
-- Join it to count stories rather than articles: count(DISTINCT story_id).
CREATE VIEW article_story AS
SELECT
    a.article_id,
    coalesce(m.story_id, a.article_id)                 AS story_id,
    a.article_id = coalesce(m.story_id, a.article_id)  AS is_first,
    m.article_id IS NOT NULL                           AS linked
FROM articles AS a
LEFT JOIN story_members AS m USING (article_id);

-- One row per story: when it first appeared, in how many articles and papers.
CREATE VIEW stories AS
SELECT
    s.story_id,
    any_value(a.title) FILTER (WHERE s.is_first)  AS title,
    any_value(a.url) FILTER (WHERE s.is_first)    AS url,
    min(a.published_at)                           AS first_published,
    max(a.published_at)                           AS last_published,
    count(*)                                      AS articles,
    count(DISTINCT a.site_key)                    AS papers,
    list_sort(list(DISTINCT a.site_key))          AS sites
FROM article_story AS s
JOIN articles AS a USING (article_id)
GROUP BY s.story_id;
