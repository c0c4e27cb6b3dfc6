-- 005_history: the changes of each page's record (missionsearch.Change):
-- one row each time a page was stored again with another content hash,
-- the last maxHistory (50) of each page kept.

CREATE TABLE page_history (
	page_id       TEXT NOT NULL,
	changed_at    TEXT NOT NULL,
	previous_hash TEXT NOT NULL,
	hash          TEXT NOT NULL,
	fields        TEXT NOT NULL, -- JSON array
	words_added   INTEGER NOT NULL,
	words_removed INTEGER NOT NULL
) STRICT;

CREATE INDEX page_history_page ON page_history (page_id, changed_at);
