package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/missionsearch/missionsearch"
)

// What the site says of a page beyond the page itself: the dates its
// listings show beside their links to it, and the pages that cite it. Both
// come from the refs table (missionsearch.Page.Refs); the crawler decides
// what to make of them and writes its decision with SetDerived.

// ListedDates calls fn with the ListedDate of every live page that is an
// article, a static page or untyped and has no date or a teaser date, in
// id order. fn may not write to s.
func (s *Store) ListedDates(ctx context.Context, fn func(missionsearch.ListedDate) error) error {
	rows, err := s.r.QueryContext(ctx, `
		SELECT p.id, p.url, p.type, p.published, p.published_source, COALESCE(r.date, ''), COUNT(l.id)
		FROM pages p
		LEFT JOIN refs r ON r.url = p.url AND r.teaser = 1 AND r.date <> ''
		LEFT JOIN pages l ON l.id = r.from_id AND l.type = 'listing'
			AND NOT EXISTS (SELECT 1 FROM crawl_state s WHERE s.url = l.url AND s.gone = 1)
		WHERE p.type IN ('', 'article', 'static') AND (p.published_source = 'teaser' OR p.published = '') AND `+liveSQL+`
		GROUP BY p.id, r.date
		ORDER BY p.id, COUNT(l.id) DESC, r.date`)
	if err != nil {
		return fmt.Errorf("store: listed dates: %w", err)
	}
	defer rows.Close()
	var cur *missionsearch.ListedDate
	flush := func() error {
		if cur == nil {
			return nil
		}
		d := *cur
		cur = nil
		return fn(d)
	}
	for rows.Next() {
		var id, u, typ, pub, src, date string
		var n int
		if err := rows.Scan(&id, &u, &typ, &pub, &src, &date, &n); err != nil {
			return fmt.Errorf("store: listed dates: %w", err)
		}
		if cur != nil && cur.ID == id {
			continue // a less frequent date of the same page
		}
		if err := flush(); err != nil {
			return err
		}
		ld := missionsearch.ListedDate{ID: id, URL: u, Type: missionsearch.PageType(typ), Source: src}
		if ld.Published, err = parseTime(pub); err != nil {
			return fmt.Errorf("store: listed dates: %s: %w", id, err)
		}
		if n > 0 {
			if ld.Date, err = parseTime(date); err != nil {
				return fmt.Errorf("store: listed dates: %s: %w", id, err)
			}
			ld.Listings = n
		}
		cur = &ld
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: listed dates: %w", err)
	}
	return flush()
}

// Documents calls fn with every live document page and the pages citing
// it, in id order. fn may not write to s.
func (s *Store) Documents(ctx context.Context, fn func(missionsearch.Cited) error) error {
	rows, err := s.r.QueryContext(ctx, `
		SELECT d.id, d.url, d.title, d.published, d.published_source, d.cited_by,
			COALESCE(c.url, ''), COALESCE(c.title, ''), COALESCE(c.published, ''), COALESCE(r.title, '')
		FROM pages d
		LEFT JOIN refs r ON r.url = d.url AND r.from_id <> d.id
		LEFT JOIN pages c ON c.id = r.from_id AND c.type <> 'listing'
			AND NOT EXISTS (SELECT 1 FROM crawl_state s WHERE s.url = c.url AND s.gone = 1)
		WHERE d.type = 'document' AND NOT EXISTS (SELECT 1 FROM crawl_state s WHERE s.url = d.url AND s.gone = 1)
		ORDER BY d.id, c.published DESC, c.url`)
	if err != nil {
		return fmt.Errorf("store: documents: %w", err)
	}
	defer rows.Close()
	var cur *missionsearch.Cited
	flush := func() error {
		if cur == nil {
			return nil
		}
		d := *cur
		cur = nil
		return fn(d)
	}
	for rows.Next() {
		var id, u, title, pub, src, cited, cu, ct, cp, rt string
		if err := rows.Scan(&id, &u, &title, &pub, &src, &cited, &cu, &ct, &cp, &rt); err != nil {
			return fmt.Errorf("store: documents: %w", err)
		}
		if cur == nil || cur.ID != id {
			if err := flush(); err != nil {
				return err
			}
			cur = &missionsearch.Cited{ID: id, URL: u, Title: title, Source: src}
			if cur.Published, err = parseTime(pub); err != nil {
				return fmt.Errorf("store: documents: %s: %w", id, err)
			}
			if err := json.Unmarshal([]byte(cited), &cur.CitedBy); err != nil {
				return fmt.Errorf("store: documents: %s: cited_by: %w", id, err)
			}
		}
		if cu == "" || len(cur.Citing) >= 20 {
			continue
		}
		if cur.LinkText == "" {
			cur.LinkText = rt
		}
		cp2, err := parseTime(cp)
		if err != nil {
			return fmt.Errorf("store: documents: %s: %w", id, err)
		}
		cur.Citing = append(cur.Citing, missionsearch.CitingPage{Link: missionsearch.Link{URL: cu, Title: ct}, Published: cp2})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: documents: %w", err)
	}
	return flush()
}

// SetDerived writes d over the type, title (unless d.Title is empty), date,
// date source and citing pages of the page id, marking it changed (ChangedSince) so that the next
// index update takes it. It returns an ENOTFOUND error when no page has
// the id.
func (s *Store) SetDerived(ctx context.Context, id string, d missionsearch.Derived) error {
	pub, err := checkedTime("published", d.Published)
	if err != nil {
		return fmt.Errorf("store: set derived %s: %w", id, err)
	}
	if !d.Type.Valid() {
		return fmt.Errorf("store: set derived %s: %w", id, missionsearch.Errorf(missionsearch.EINVALID, "The page type %q is not one of %v.", d.Type, missionsearch.PageTypes))
	}
	cited, err := json.Marshal(d.CitedBy)
	if err != nil {
		return fmt.Errorf("store: set derived %s: %w", id, err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: set derived %s: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE pages SET type = ?, title = COALESCE(NULLIF(?, ''), title), published = ?, published_source = ?,
		cited_by = ?, changed_at = ? WHERE id = ?`, string(d.Type), d.Title, pub, d.PublishedSource, string(cited),
		formatTime(s.now()), id)
	if err != nil {
		return fmt.Errorf("store: set derived %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set derived %s: %w", id, missionsearch.Errorf(missionsearch.ENOTFOUND, "No page has the ID %q.", id))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: set derived %s: %w", id, err)
	}
	return nil
}

// DueURLs calls fn with the URL of every live stored page due for a check
// at now, in URL order: those whose NextCheck is set and not after now, and
// those last seen (a 200 or a 304) before staleBefore whatever their
// NextCheck. They are the pages a crawl checks even when no link leads to
// them any more. fn may not write to s.
func (s *Store) DueURLs(ctx context.Context, now, staleBefore time.Time, fn func(url string) error) error {
	return s.urls(ctx, "due urls", `SELECT url FROM crawl_state
		WHERE gone = 0 AND page_id IS NOT NULL
			AND (next_check <> '' AND next_check <= ?1 OR last_seen < ?2)
		ORDER BY url`, fn, formatTime(now), formatTime(staleBefore))
}

// ListedURLs calls fn with the URL of every live stored page that the
// site's sitemap listed when it was last checked (CrawlState.Listed), in
// URL order. fn may not write to s.
func (s *Store) ListedURLs(ctx context.Context, fn func(url string) error) error {
	return s.urls(ctx, "listed urls", `SELECT url FROM crawl_state
		WHERE gone = 0 AND page_id IS NOT NULL AND listed = 1 ORDER BY url`, fn)
}

// urls calls fn with the single column of each row of query.
func (s *Store) urls(ctx context.Context, what, query string, fn func(url string) error, args ...any) error {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		if err := fn(u); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}
