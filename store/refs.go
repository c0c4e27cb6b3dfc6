package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"missionsearch"
)

// What the site says of a page beyond the page itself: the dates its
// listings show beside their links to it, and the pages that cite it. Both
// come from the refs table (missionsearch.Page.Refs); the crawler decides
// what to make of them and writes its decision with SetDerived.

// ListedDate is what the live listings of the site show of one live page
// that is not a listing or a document and has no date of its own (none,
// or a teaser date).
type ListedDate struct {
	ID, URL string
	Type    missionsearch.PageType
	// Published and Source are the page's stored date and its provenance.
	Published time.Time
	Source    string
	// Date is the date most live listings show beside their link to the
	// page (the earliest among equals), zero when none shows one; Listings
	// is how many show it.
	Date     time.Time
	Listings int
}

// ListedDates calls fn with the ListedDate of every live page that is an
// article, a static page or untyped and has no date or a teaser date, in
// id order. fn may not write to s.
func (s *Store) ListedDates(ctx context.Context, fn func(ListedDate) error) error {
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
	var cur *ListedDate
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
		ld := ListedDate{ID: id, URL: u, Type: missionsearch.PageType(typ), Source: src}
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

// Cited is a live document page with the live pages that cite it (not
// listings), newest first.
type Cited struct {
	ID, URL string
	Title   string
	// Published and Source are the document's stored date and its
	// provenance; CitedBy its stored citing pages.
	Published time.Time
	Source    string
	CitedBy   []missionsearch.Link
	// Citing are the pages whose text links to the document, at most 20,
	// with their dates; LinkText is the text of the first such link.
	Citing   []CitingPage
	LinkText string
}

// CitingPage is a page linking to a document.
type CitingPage struct {
	missionsearch.Link
	Published time.Time
}

// Documents calls fn with every live document page and the pages citing
// it, in id order. fn may not write to s.
func (s *Store) Documents(ctx context.Context, fn func(Cited) error) error {
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
	var cur *Cited
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
			cur = &Cited{ID: id, URL: u, Title: title, Source: src}
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
		cur.Citing = append(cur.Citing, CitingPage{Link: missionsearch.Link{URL: cu, Title: ct}, Published: cp2})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: documents: %w", err)
	}
	return flush()
}

// Derived is what the crawler decides of a page from the rest of the site.
type Derived struct {
	Type            missionsearch.PageType
	Title           string
	Published       time.Time
	PublishedSource string
	CitedBy         []missionsearch.Link
}

// SetDerived writes d over the type, title, date, date source and citing
// pages of the page id, marking it changed (ChangedSince) so that the next
// index update takes it. It returns an ENOTFOUND error when no page has
// the id.
func (s *Store) SetDerived(ctx context.Context, id string, d Derived) error {
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
	res, err := tx.ExecContext(ctx, `UPDATE pages SET type = ?, title = ?, published = ?, published_source = ?,
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
