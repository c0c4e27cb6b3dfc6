-- 001_init: pages and their crawl state.
--
-- Times are TEXT in UTC with exactly nine fractional digits
-- ("2006-01-02T15:04:05.000000000Z"), so that text order is time order;
-- the zero time is ''. changed_at columns are written by the store's own
-- clock and drive ChangedSince.

CREATE TABLE pages (
	id           TEXT PRIMARY KEY,           -- missionsearch.PageID(url)
	url          TEXT NOT NULL UNIQUE,       -- canonical URL
	title        TEXT NOT NULL DEFAULT '',
	lang         TEXT NOT NULL DEFAULT '',
	published    TEXT NOT NULL DEFAULT '',
	updated      TEXT NOT NULL DEFAULT '',
	section      TEXT NOT NULL DEFAULT '',
	tags         TEXT NOT NULL DEFAULT 'null', -- JSON array (or null)
	description  TEXT NOT NULL DEFAULT '',
	fetched_at   TEXT NOT NULL DEFAULT '',
	content_hash TEXT NOT NULL DEFAULT '',   -- hex SHA-256 of the body
	changed_at   TEXT NOT NULL DEFAULT '',   -- when the store last wrote the row
	body         TEXT NOT NULL DEFAULT ''    -- last: small columns stay off overflow pages
) STRICT;

CREATE INDEX pages_content_hash ON pages (content_hash);
CREATE INDEX pages_changed_at ON pages (changed_at);

CREATE TABLE crawl_state (
	url             TEXT PRIMARY KEY,
	etag            TEXT NOT NULL DEFAULT '',
	last_modified   TEXT NOT NULL DEFAULT '',
	content_hash    TEXT NOT NULL DEFAULT '',
	first_seen      TEXT NOT NULL DEFAULT '',
	last_seen       TEXT NOT NULL DEFAULT '',
	gone            INTEGER NOT NULL DEFAULT 0 CHECK (gone IN (0, 1)),
	status          INTEGER NOT NULL DEFAULT 0,
	page_id         TEXT REFERENCES pages (id) ON DELETE SET NULL, -- the page stored under url, if any
	gone_changed_at TEXT NOT NULL DEFAULT ''  -- when gone last flipped (or the row was created)
) STRICT;

CREATE INDEX crawl_state_page_id ON crawl_state (page_id);
CREATE INDEX crawl_state_gone_changed_at ON crawl_state (gone_changed_at);
CREATE INDEX crawl_state_gone ON crawl_state (url) WHERE gone = 1;
