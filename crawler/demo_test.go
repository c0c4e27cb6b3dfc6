package crawler_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/internal/demosite"
)

// TestCrawlDemoSite crawls the built-in mission site: every article is
// stored once under its canonical URL with the right metadata, the
// disallowed and external pages are never fetched, the calendar trap is
// left at once, and a recrawl finds nothing changed.
func TestCrawlDemoSite(t *testing.T) {
	ds := demosite.New()
	ts := httptest.NewServer(ds)
	defer ts.Close()
	var external atomic.Int32
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host != strings.TrimPrefix(ts.URL, "http://") {
			external.Add(1)
		}
		return tr.RoundTrip(r)
	})}

	st := openStore(t)
	cfg := crawler.Config{Seeds: []string{ts.URL + "/"}, Concurrency: 4, Client: client, Logger: testLogger(t)}
	stats, c := crawl(t, cfg, st)
	t.Logf("first crawl: %+v", stats)

	arts := ds.Articles()
	for _, a := range arts {
		p := pageAt(t, st, ts.URL+a.Path)
		if p == nil {
			t.Errorf("%s: not stored", a.Path)
			continue
		}
		if p.Title != a.Title {
			t.Errorf("%s: title %q, want %q", a.Path, p.Title, a.Title)
		}
		if p.Section != a.Section {
			t.Errorf("%s: section %q, want %q", a.Path, p.Section, a.Section)
		}
		if string(p.Lang) != a.Lang {
			t.Errorf("%s: lang %q, want %q", a.Path, p.Lang, a.Lang)
		}
		if !p.Published.Equal(a.Published) {
			t.Errorf("%s: published %v, want %v", a.Path, p.Published, a.Published)
		}
		for _, b := range a.Body {
			if !strings.Contains(p.Body, strings.Join(strings.Fields(b), " ")) {
				t.Errorf("%s: body lacks the block %.60q", a.Path, b)
				break
			}
		}
		for _, bp := range ds.BoilerplateFor(a.Lang) {
			if strings.Contains(p.Body, bp) {
				t.Errorf("%s: body holds boilerplate %q", a.Path, bp)
			}
		}
	}
	// Each article once: no page under a node/<id> alias or a tracking URL.
	seenTitle := map[string]string{}
	err := st.Pages(context.Background(), func(p *missionsearch.Page) error {
		if strings.Contains(p.URL, "/node/") || strings.Contains(p.URL, "utm_") {
			t.Errorf("page stored under a non-canonical URL %s", p.URL)
		}
		if strings.Contains(p.URL, demosite.CalendarPath) {
			t.Errorf("calendar page stored: %s", p.URL)
		}
		if prev, ok := seenTitle[p.Title]; ok && strings.Contains(p.URL, "/news/") && strings.Contains(prev, "/news/") {
			t.Errorf("title %q stored twice: %s and %s", p.Title, prev, p.URL)
		}
		seenTitle[p.Title] = p.URL
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, st); n > len(ds.Paths()) {
		t.Errorf("%d pages stored, the site has %d", n, len(ds.Paths()))
	}
	if n := ds.Hits(demosite.AdminPath); n != 0 {
		t.Errorf("robots-disallowed %s fetched %d times", demosite.AdminPath, n)
	}
	if n := ds.Hits(demosite.CalendarPath); n > 3 {
		t.Errorf("calendar trap fetched %d times", n)
	}
	if n := external.Load(); n != 0 {
		t.Errorf("%d requests left the site", n)
	}
	if ds.Hits(demosite.PDFPath) == 0 {
		t.Errorf("the PDF was never requested")
	} else if s, ok := state(t, st, ts.URL+demosite.PDFPath); !ok || s.Status != 200 {
		t.Errorf("PDF state %+v %v, want a recorded 200", s, ok)
	}
	for from, to := range ds.Redirects() {
		if ds.Hits(from) > 0 {
			if s, ok := state(t, st, ts.URL+from); !ok || s.Status != http.StatusMovedPermanently {
				t.Errorf("redirect %s: state %+v %v", from, s, ok)
			}
		}
		// A listing's first page is also served as ?page=0, with no
		// canonical link: the crawler stores that content once, under the
		// preferred URL (no query), whichever it fetched first.
		if pageAt(t, st, ts.URL+to) == nil {
			t.Errorf("redirect target %s not stored", to)
		}
		if s, ok := state(t, st, ts.URL+to+"?page=0"); ok && !s.Gone && s.ContentHash != "" {
			t.Errorf("%s?page=0 is stored live beside %s: %+v", to, to, s)
		}
	}
	if p := pageAt(t, st, ts.URL+demosite.BrokenPath); p == nil || p.Title == "" {
		t.Errorf("broken page: %+v", p)
	}
	updated, gone := c.Changed()
	if len(updated) != stats.Stored || len(gone) != 0 {
		t.Errorf("Changed: %d updated, %d gone; stats %+v", len(updated), len(gone), stats)
	}
	if stats.Errors != 0 {
		t.Errorf("%d errors", stats.Errors)
	}

	// A recrawl a day later stores nothing new.
	ds.ResetHits()
	stats2, c2 := crawlAt(t, cfg, st, nextDay())
	t.Logf("recrawl: %+v", stats2)
	if stats2.Stored != 0 || stats2.Unchanged < len(arts) {
		t.Errorf("recrawl: %+v, want 0 stored and ≥ %d unchanged", stats2, len(arts))
	}
	if u, g := c2.Changed(); len(u)+len(g) != 0 {
		t.Errorf("recrawl Changed: %v %v", u, g)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
