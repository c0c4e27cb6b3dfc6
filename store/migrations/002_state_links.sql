-- 002_state_links: what a recrawl needs to resume after an interrupted crawl.
--
-- links is the JSON array of the outgoing links of the page as last
-- fetched with 200 (missionsearch.CrawlState.Links): a 304 answer queues
-- them again. 'null' means unknown, which is what every state stored
-- before this migration gets, so the crawler fetches those URLs in full
-- once to learn their links. location is the target of a redirect.

ALTER TABLE crawl_state ADD COLUMN links TEXT NOT NULL DEFAULT 'null';
ALTER TABLE crawl_state ADD COLUMN location TEXT NOT NULL DEFAULT '';
