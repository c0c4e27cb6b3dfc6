package crawler

import (
	"context"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch"
)

// SiteReader is an optional ability of a Store: reporting what the rest of
// the site says of its pages (the dates listings show beside their links,
// the pages citing a document) and writing what the crawler decides of
// them. With it, Run ends with the site pass (resolveSite).
type SiteReader interface {
	ListedDates(ctx context.Context, fn func(missionsearch.ListedDate) error) error
	Documents(ctx context.Context, fn func(missionsearch.Cited) error) error
	SetDerived(ctx context.Context, id string, d missionsearch.Derived) error
}

// maxCitedBy is the number of citing pages a document keeps.
const maxCitedBy = 10

// resolveSite is the site pass, run once the pages are stored:
//   - a page without a date of its own that live listings show with a date
//     beside their link is an article of that date (DateTeaser; the date
//     most listings show); one whose listings no longer show a date loses
//     it and is a static page again;
//   - a document is linked to the pages whose text cites it (CitedBy, the
//     newest first), takes the text of the first link as its title when
//     its metadata has none (else its file name), and the date of the
//     oldest citing page when it has none of its own (DateCiting).
//
// Each page it changes is marked updated for the index.
func (c *Crawler) resolveSite(ctx context.Context) {
	sr, ok := c.store.(SiteReader)
	if !ok {
		return
	}
	type change struct {
		id string
		d  missionsearch.Derived
	}
	var todo []change
	err := sr.ListedDates(ctx, func(ld missionsearch.ListedDate) error {
		d := missionsearch.Derived{Type: ld.Type.OrArticle(), Published: ld.Published, PublishedSource: ld.Source}
		switch {
		case ld.Listings > 0:
			d.Type, d.Published, d.PublishedSource = missionsearch.TypeArticle, ld.Date, missionsearch.DateTeaser
		case ld.Source == missionsearch.DateTeaser:
			d.Type, d.Published, d.PublishedSource = missionsearch.TypeStatic, time.Time{}, ""
		}
		if d.Type != ld.Type || !d.Published.Equal(ld.Published) || d.PublishedSource != ld.Source {
			todo = append(todo, change{ld.ID, d})
		}
		return nil
	})
	if err == nil {
		err = sr.Documents(ctx, func(doc missionsearch.Cited) error {
			d := missionsearch.Derived{Type: missionsearch.TypeDocument, Title: doc.Title,
				Published: doc.Published, PublishedSource: doc.Source}
			for _, p := range doc.Citing {
				if len(d.CitedBy) < maxCitedBy {
					d.CitedBy = append(d.CitedBy, p.Link)
				}
			}
			if d.Title == "" {
				d.Title = documentTitle(doc.LinkText, doc.URL)
			}
			if doc.Source == "" && doc.Published.IsZero() || doc.Source == missionsearch.DateCiting {
				d.Published, d.PublishedSource = time.Time{}, ""
				for _, p := range doc.Citing {
					if !p.Published.IsZero() && (d.Published.IsZero() || p.Published.Before(d.Published)) {
						d.Published, d.PublishedSource = p.Published, missionsearch.DateCiting
					}
				}
			}
			if d.Title != doc.Title || !d.Published.Equal(doc.Published) || d.PublishedSource != doc.Source ||
				!slices.Equal(d.CitedBy, doc.CitedBy) {
				todo = append(todo, change{doc.ID, d})
			}
			return nil
		})
	}
	if err != nil {
		if ctx.Err() == nil {
			c.fatal(err)
		}
		return
	}
	for _, ch := range todo {
		if err := sr.SetDerived(ctx, ch.id, ch.d); err != nil {
			if ctx.Err() == nil {
				c.fatal(err)
			}
			return
		}
		c.markUpdated(ch.id)
	}
	if len(todo) > 0 {
		c.log.Info("site pass", "pages", len(todo))
	}
}

// documentTitle is the title of a document without one in its metadata:
// the text of the link citing it, without a trailing "(PDF, 120 Ko)", else
// its file name without extension.
func documentTitle(linkText, u string) string {
	t := strings.TrimSpace(linkText)
	if i := strings.LastIndex(t, "("); i > 0 && strings.HasSuffix(t, ")") &&
		strings.Contains(strings.ToLower(t[i:]), "pdf") {
		t = strings.TrimSpace(t[:i])
	}
	for _, p := range []string{"Télécharger le ", "Télécharger la ", "Télécharger l'", "Télécharger ", "Download the ", "Download "} {
		if rest, ok := strings.CutPrefix(t, p); ok && rest != "" {
			t = strings.ToUpper(rest[:1]) + rest[1:]
			break
		}
	}
	if t != "" {
		return t
	}
	name := path.Base(strings.SplitN(u, "?", 2)[0])
	name = strings.TrimSuffix(name, path.Ext(name))
	return strings.NewReplacer("-", " ", "_", " ").Replace(name)
}

// queueStale queues the stored pages of the crawl's scope that are due
// (their NextCheck has come, or they were last seen more than MaxAge ago),
// so that a page no link leads to any more is still checked: when the
// site deleted it, it leaves the index. They are queued
// like sitemap URLs (no pattern budget), after the seeds.
func (c *Crawler) queueStale(ctx context.Context) {
	sl, ok := c.store.(DueLister)
	if !ok {
		return
	}
	now := c.now()
	stale := now.Add(-c.cfg.MaxAge)
	if c.cfg.MaxAge < 0 {
		stale = time.Time{}
	}
	n := 0
	err := sl.DueURLs(ctx, now, stale, func(u string) error {
		if c.enqueue(u, nil, task{depth: 1, sitemap: true}, false) {
			n++
		}
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			c.fatal(err)
		}
		return
	}
	if n > 0 {
		c.log.Info("stored pages due for a check", "pages", n, "max_age", c.cfg.MaxAge)
	}
}
