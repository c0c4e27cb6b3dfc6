package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/missionsearch/missionsearch"
)

// maxHistory is the number of changes kept per page.
const maxHistory = 50

// recordChange adds to the history of the page of w, in tx, the change
// from the record stored under its ID to w's, when there is one with
// another content hash. now is the write's clock.
func recordChange(ctx context.Context, tx *sql.Tx, w pageWriteArgs, now string) error {
	id, hash := w.page[0].(string), w.page[10].(string)
	var old missionsearch.Page
	var oldHash, published, updated, tags, typ string
	err := tx.QueryRowContext(ctx, `SELECT content_hash, title, body, published, updated, section, tags, description, type
		FROM pages WHERE id = ?`, id).Scan(&oldHash, &old.Title, &old.Body, &published, &updated, &old.Section, &tags, &old.Description, &typ)
	if errors.Is(err, sql.ErrNoRows) || err == nil && oldHash == hash {
		return nil
	} else if err != nil {
		return err
	}
	old.Type = missionsearch.PageType(typ)
	if old.Published, err = parseTime(published); err != nil {
		return fmt.Errorf("published: %w", err)
	}
	if old.Updated, err = parseTime(updated); err != nil {
		return fmt.Errorf("updated: %w", err)
	}
	if err := json.Unmarshal([]byte(tags), &old.Tags); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	p := *w.p
	p.Published, p.Updated = p.Published.UTC(), p.Updated.UTC()
	c := missionsearch.Diff(&old, &p)
	if len(c.Fields) == 0 {
		return nil // a new extraction, links or headings: nothing a reader sees
	}
	fields, err := json.Marshal(c.Fields)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO page_history (page_id, changed_at, previous_hash, hash, fields, words_added, words_removed)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, now, oldHash, hash, string(fields), c.WordsAdded, c.WordsRemoved); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM page_history WHERE page_id = ?1 AND rowid NOT IN
		(SELECT rowid FROM page_history WHERE page_id = ?1 ORDER BY changed_at DESC, rowid DESC LIMIT ?2)`, id, maxHistory)
	return err
}

// History returns the changes of the page stored under id, the newest
// first (at most the last 50), and an ENOTFOUND *missionsearch.Error when
// no page is stored under id. A page never changed has none (an empty,
// not nil, list).
func (s *Store) History(ctx context.Context, id string) ([]missionsearch.Change, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM pages WHERE id = ?`, id).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: history %s: %w", id, err)
	}
	if n == 0 {
		return nil, missionsearch.Errorf(missionsearch.ENOTFOUND, "No page has the ID %q.", id)
	}
	pcs, err := s.changes(ctx, "history "+id, id, maxHistory) // all it keeps
	if err != nil {
		return nil, err
	}
	out := make([]missionsearch.Change, len(pcs))
	for i, c := range pcs {
		out[i] = c.Change
	}
	return out, nil
}

// RecentChanges returns the last limit changes of every page, the newest
// first, with each page's URL and current title.
func (s *Store) RecentChanges(ctx context.Context, limit int) ([]missionsearch.PageChange, error) {
	return s.changes(ctx, "recent changes", "", limit)
}

// changes returns the changes of the page pageID ("" for every page),
// newest first, at most limit, with their pages; what names the listing in
// errors.
func (s *Store) changes(ctx context.Context, what, pageID string, limit int) ([]missionsearch.PageChange, error) {
	where := "" // every page: the newest changes
	if pageID != "" {
		where = "WHERE h.page_id = ?1" // one page: on its index
	}
	rows, err := s.r.QueryContext(ctx, `SELECT h.page_id, p.url, p.title, h.changed_at, h.previous_hash, h.hash, h.fields, h.words_added, h.words_removed
		FROM page_history h JOIN pages p ON p.id = h.page_id `+where+`
		ORDER BY h.changed_at DESC, h.rowid DESC LIMIT ?2`, pageID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	out := []missionsearch.PageChange{}
	for rows.Next() {
		var c missionsearch.PageChange
		var at, fields string
		if err := rows.Scan(&c.ID, &c.URL, &c.Title, &at, &c.PreviousHash, &c.Hash, &fields, &c.WordsAdded, &c.WordsRemoved); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		if c.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: %s: changed_at: %w", what, err)
		}
		if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
			return nil, fmt.Errorf("store: %s: fields: %w", what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// LabelSite sets the site of the stored pages of urls to site, and returns
// the IDs of those whose site it changed (their index documents are then
// stale, and ChangedSince lists them). It does not touch their content
// hash or history.
func (s *Store) LabelSite(ctx context.Context, site string, urls []string) ([]string, error) {
	var ids []string
	for lo := 0; lo < len(urls); lo += 500 {
		part := urls[lo:min(lo+500, len(urls))]
		args := make([]any, 0, len(part)+2)
		args = append(args, site, formatTime(s.now()))
		marks := make([]string, len(part))
		for i, u := range part {
			marks[i] = "?"
			args = append(args, u)
		}
		rows, err := s.w.QueryContext(ctx, `UPDATE pages SET site = ?1, changed_at = ?2 WHERE site <> ?1 AND url IN (`+strings.Join(marks, ",")+`) RETURNING id`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: label site %s: %w", site, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: label site %s: %w", site, err)
			}
			ids = append(ids, id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: label site %s: %w", site, err)
		}
	}
	return ids, nil
}

// CountBySite returns the number of live pages per site (Page.Site; ""
// for the pages of no configured site).
func (s *Store) CountBySite(ctx context.Context) (map[string]uint64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT p.site, COUNT(*) FROM pages p WHERE `+liveSQL+` GROUP BY p.site`)
	if err != nil {
		return nil, fmt.Errorf("store: count by site: %w", err)
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var site string
		var n uint64
		if err := rows.Scan(&site, &n); err != nil {
			return nil, fmt.Errorf("store: count by site: %w", err)
		}
		out[site] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count by site: %w", err)
	}
	return out, nil
}
