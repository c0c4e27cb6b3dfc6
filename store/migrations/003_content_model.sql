-- 003_content_model: page types, date provenance, headings, translations,
-- the pages citing a document, and the links of each page's main content.
--
-- Rows stored before this migration get type '' (read as an article) and
-- empty lists; the next crawl rewrites them (the content hash covers the
-- new fields).

ALTER TABLE pages ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN published_source TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN headings TEXT NOT NULL DEFAULT 'null';     -- JSON array
ALTER TABLE pages ADD COLUMN translations TEXT NOT NULL DEFAULT 'null'; -- JSON array of {url, lang}
ALTER TABLE pages ADD COLUMN cited_by TEXT NOT NULL DEFAULT 'null';     -- JSON array of {url, title}

-- refs are the links of a page's main content, replaced with the page:
-- teaser = 1 for the items of a list (a heading link, with the date shown
-- beside it, '' when none), 0 for a link in the text (a PDF it cites).
CREATE TABLE refs (
	from_id TEXT NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
	url     TEXT NOT NULL,
	title   TEXT NOT NULL DEFAULT '',
	date    TEXT NOT NULL DEFAULT '',
	teaser  INTEGER NOT NULL DEFAULT 0 CHECK (teaser IN (0, 1)),
	PRIMARY KEY (from_id, url)
) STRICT, WITHOUT ROWID;

CREATE INDEX refs_url ON refs (url);

-- version is the extraction version that stored the page of the URL
-- (missionsearch.CrawlState.Version): 0 for every state stored before, so
-- that the next crawl fetches those pages in full and extracts them anew.
ALTER TABLE crawl_state ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX pages_type ON pages (type);
