-- 006_site: the site of each page (missionsearch.Page.Site), the name of
-- the configured site whose crawl stored it; '' for the pages of a data
-- directory that holds one site.

ALTER TABLE pages ADD COLUMN site TEXT NOT NULL DEFAULT '';
CREATE INDEX pages_site ON pages (site);
