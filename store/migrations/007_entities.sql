-- 007_entities: the partners, people and places each page names
-- (missionsearch.Page.Partners, People, Places), as JSON arrays: partners
-- and places of canonical names, people of {name, role}.
--
-- Rows stored before this migration read with none; the next crawl
-- extracts them anew (the crawler's record version changed).

ALTER TABLE pages ADD COLUMN partners TEXT NOT NULL DEFAULT 'null';
ALTER TABLE pages ADD COLUMN people TEXT NOT NULL DEFAULT 'null';
ALTER TABLE pages ADD COLUMN places TEXT NOT NULL DEFAULT 'null';
