-- 004_schedule: the recrawl schedule of each URL and the boilerplate a
-- site's crawls share.
--
-- check_every is the adaptive interval of missionsearch.CrawlState.Interval
-- (nanoseconds; 0 for every state stored before: unknown), next_check when
-- the URL is due again (CrawlState.NextCheck; '' for unknown: a crawl that
-- reaches the URL fetches it, and the list of due pages has it once it is
-- max_age old, as before). A page last seen max_age ago is due whatever its
-- next_check.

ALTER TABLE crawl_state ADD COLUMN check_every INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_state ADD COLUMN next_check TEXT NOT NULL DEFAULT '';
-- listed: the site's sitemap listed the URL when it was last checked
-- (CrawlState.Listed).
ALTER TABLE crawl_state ADD COLUMN listed INTEGER NOT NULL DEFAULT 0 CHECK (listed IN (0, 1));
CREATE INDEX crawl_state_due ON crawl_state (next_check) WHERE gone = 0 AND page_id IS NOT NULL;

-- templates are the boilerplate blocks learned by a crawl, per site (key),
-- reused by the next crawls until they are relearned: blocks is a JSON
-- array of block hashes, learned when they were learned, version the
-- extraction version that learned them.
CREATE TABLE templates (
	key     TEXT PRIMARY KEY,
	blocks  TEXT NOT NULL,
	learned TEXT NOT NULL,
	version INTEGER NOT NULL
) STRICT;
