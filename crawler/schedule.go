package crawler

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch"
)

// The recrawl schedule. Every stored URL has an interval (CrawlState.
// Interval): FirstInterval after its first fetch, halved each time a check
// finds it changed, doubled each time it finds it unchanged, kept between
// MinInterval and the crawl's MaxAge. A URL is due one eighth of its
// interval early (CrawlState.NextCheck), so that a nightly crawl started at
// a fixed hour does not miss by minutes a page checked the night before.
//
// A crawl fetches a known URL only when it is due, when it is a seed, when
// a sitemap gives it a lastmod after its last check, or when the sweep at
// the end of the crawl finds that it has left the sitemap that listed it
// (a host's sitemaps read whole only). Otherwise the URL is fresh: it is not fetched and its
// stored links are followed as if it had answered 304, which costs no
// request at all.
const (
	FirstInterval = 24 * time.Hour
	MinInterval   = time.Hour
	// maxInterval caps the interval when MaxAge is negative (never).
	maxInterval = 90 * 24 * time.Hour
)

// plan sets st's Interval and NextCheck after a check at st.LastSeen that
// found the URL changed or not, from prev, the URL's state before it, and
// Listed from the sitemaps read so far.
func (c *Crawler) plan(st *missionsearch.CrawlState, prev missionsearch.CrawlState, hasPrev, changed bool) {
	iv := FirstInterval
	if hasPrev && !prev.Gone && prev.Interval > 0 {
		if changed {
			iv = prev.Interval / 2
		} else {
			iv = prev.Interval * 2
		}
	}
	iv = max(iv, MinInterval)
	if c.cfg.MaxAge > 0 {
		iv = min(iv, c.cfg.MaxAge)
	} else {
		iv = min(iv, maxInterval)
	}
	st.Interval = iv
	st.NextCheck = st.LastSeen.Add(iv - iv/8)
	c.mu.Lock()
	_, st.Listed = c.listed[st.URL]
	if u, err := url.Parse(st.URL); err == nil && (c.sitemapBad[u.Host] || !c.sitemapHosts[u.Host]) {
		// The host's sitemap was not read whole: what it lists is not
		// known, so the URL keeps what the last good read said.
		st.Listed = prev.Listed && hasPrev
	}
	if !st.Listed {
		c.unlisted[st.URL] = true
	}
	c.mu.Unlock()
}

// sitemapFailed records that a sitemap of host could not be read whole:
// the host's sitemaps say nothing about the pages they do not list.
func (c *Crawler) sitemapFailed(host string) {
	c.mu.Lock()
	c.sitemapBad[host] = true
	c.mu.Unlock()
}

// fresh reports whether the stored URL of t need not be fetched at now:
// its last check answered with its links (or redirected), it is not due, the sitemap does
// not say it changed since, and no rule asks for it (a seed, the sweep,
// boilerplate learning, a record of an older extraction).
func (c *Crawler) fresh(t task, prev missionsearch.CrawlState, hasPrev bool, now time.Time) bool {
	known := prev.Links != nil && (prev.Status == 200 || prev.Status == 304) ||
		isRedirect(prev.Status) && prev.Location != ""
	if !hasPrev || prev.Gone || !known || t.seed || t.check ||
		prev.NextCheck.IsZero() || !now.Before(prev.NextCheck) ||
		c.cfg.MaxAge > 0 && now.Sub(prev.LastSeen) >= c.cfg.MaxAge ||
		(prev.ContentHash != "" && prev.Version != RecordVersion) || c.learn.learning() {
		return false
	}
	c.mu.Lock()
	mod, listed := c.listed[t.url]
	c.mu.Unlock()
	return !listed || mod.IsZero() || mod.Before(prev.LastSeen)
}

// listURL records that a sitemap of host lists u with lastmod (the raw
// W3C datetime, "" when none).
func (c *Crawler) listURL(host, u, lastmod string) {
	mod := parseLastmod(lastmod)
	c.mu.Lock()
	if _, ok := c.listed[u]; !ok {
		c.listedOrder = append(c.listedOrder, u)
	}
	c.listed[u] = mod
	c.sitemapHosts[host] = true
	c.mu.Unlock()
}

// queuePages starts the crawl of pages, once the sitemaps are read: the
// seeds first, then the stored pages due, then the sitemaps' pages (as
// seeds of depth 0, exempt from the per-pattern budget).
func (c *Crawler) queuePages(ctx context.Context) {
	for _, u := range c.seeds {
		if c.front.claim(u.String()) {
			c.front.push(task{kind: taskPage, url: u.String(), seed: true}, false)
		}
	}
	c.queueStale(ctx)
	c.mu.Lock()
	listed := c.listedOrder
	c.mu.Unlock()
	for _, u := range listed {
		c.enqueue(u, nil, task{sitemap: true}, false)
	}
}

// parseLastmod parses a sitemap lastmod (W3C datetime). A date alone
// stands for the end of its day, so that a page changed later that day is
// not taken for older than a check made earlier the same day. A bad value
// gives the zero time (unknown).
func parseLastmod(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t.Add(24 * time.Hour)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// sweep runs once, when everything else of the crawl is done: the live
// stored pages that a host's sitemap listed at their last check, that the
// sitemap read in this crawl no longer lists and that this crawl did not
// fetch, are checked now. A page deleted from the site has usually left
// its sitemap too: it leaves the index on the next crawl instead of
// within MaxAge. It does nothing after a crawl cut short (MaxPages,
// cancel).
func (c *Crawler) sweep(ctx context.Context) {
	sl, ok := c.store.(DueLister)
	if !ok || ctx.Err() != nil || c.front.exhausted() {
		return
	}
	c.mu.Lock()
	hosts := len(c.sitemapHosts)
	c.mu.Unlock()
	if hosts == 0 {
		return
	}
	if !c.relist(ctx) {
		return
	}
	var left []string
	err := sl.ListedURLs(ctx, func(raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return nil
		}
		c.mu.Lock()
		_, listed := c.listed[raw]
		read := c.sitemapHosts[u.Host] && !c.sitemapBad[u.Host]
		fetched := c.fetched[raw]
		c.mu.Unlock()
		if read && !listed && !fetched && c.inScope(u) {
			left = append(left, raw)
		}
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			c.fatal(err)
		}
		return
	}
	n := 0
	for _, raw := range left {
		st, ok, err := c.store.State(ctx, raw)
		if err != nil {
			if ctx.Err() == nil {
				c.fatal(fmt.Errorf("crawler: read the state of %s: %w", raw, err))
			}
			return
		}
		if !ok || st.Gone || !st.LastSeen.Before(c.ranAt) {
			continue // checked in this crawl
		}
		c.front.claim(raw)
		c.front.push(task{kind: taskPage, url: raw, depth: 1, sitemap: true, check: true}, false)
		n++
	}
	if n > 0 {
		c.log.Info("stored pages that left the sitemap: checking them", "pages", n)
	}
}

// relist marks Listed the states written in this run before the sitemap
// that lists them was read. It reports false when the crawl must stop.
func (c *Crawler) relist(ctx context.Context) bool {
	c.mu.Lock()
	var fix []string
	for u := range c.unlisted {
		if _, ok := c.listed[u]; ok {
			fix = append(fix, u)
		}
	}
	c.mu.Unlock()
	for _, u := range fix {
		st, ok, err := c.store.State(ctx, u)
		if err != nil {
			if ctx.Err() == nil {
				c.fatal(fmt.Errorf("crawler: read the state of %s: %w", u, err))
			}
			return false
		}
		if !ok || st.Listed {
			continue
		}
		st.Listed = true
		if !c.putState(ctx, st) {
			return false
		}
	}
	return true
}

// SiteLabeler is an optional ability of a Store: naming the site of stored
// pages (Page.Site) without rewriting them. It returns the IDs of the pages
// of urls whose site it changed.
type SiteLabeler interface {
	LabelSite(ctx context.Context, site string, urls []string) (ids []string, err error)
}

// relabel names Config.Site the stored pages this crawl reached whose
// site is another (a store of one site now declared as a site of the
// network, a renamed site): pages not due, or answering 304, are not
// stored again, so their records would keep the old name. The pages it
// changes are updated in the index.
func (c *Crawler) relabel(ctx context.Context) {
	sl, ok := c.store.(SiteLabeler)
	if !ok || c.cfg.Site == "" {
		return
	}
	urls := c.front.keys(func(k string) bool { return strings.HasPrefix(k, "http://") || strings.HasPrefix(k, "https://") })
	ids, err := sl.LabelSite(ctx, c.cfg.Site, urls)
	if err != nil {
		if ctx.Err() == nil {
			c.fatal(fmt.Errorf("crawler: name the site of the pages: %w", err))
		}
		return
	}
	if len(ids) == 0 {
		return
	}
	c.mu.Lock()
	for _, id := range ids {
		if !c.gone[id] {
			c.updated[id] = true
		}
	}
	c.mu.Unlock()
	c.log.Info("stored pages named after their site", "site", c.cfg.Site, "pages", len(ids))
}

// TemplateKeeper is an optional ability of a Store: keeping the
// boilerplate a crawl learned for a site, so that the next crawls reuse it
// instead of fetching a sample of pages in full to learn it again (which a
// crawl that fetches only the pages due could not do). A template is
// relearned once it is MaxAge old or was learned by another extraction
// version.
type TemplateKeeper interface {
	Template(ctx context.Context, key string) (missionsearch.Template, bool, error)
	PutTemplate(ctx context.Context, key string, t missionsearch.Template) error
}

// templateKey is the key of the crawl's site template: its seed origins.
func (c *Crawler) templateKey() string {
	var origins []string
	for _, u := range c.seeds {
		origins = append(origins, u.Scheme+"://"+u.Host)
	}
	slices.Sort(origins)
	key := "boilerplate " + strings.Join(slices.Compact(origins), " ")
	if c.cfg.Site != "" {
		key += " site " + c.cfg.Site
	}
	return key
}

// loadTemplate starts the crawl with the stored template of its site when
// there is one still valid: learning is then over before it began.
func (c *Crawler) loadTemplate(ctx context.Context) {
	tk, ok := c.store.(TemplateKeeper)
	if !ok || !c.learn.learning() {
		return
	}
	t, ok, err := tk.Template(ctx, c.templateKey())
	if err != nil {
		c.log.Warn("stored boilerplate unreadable: learning it again", "err", err)
		return
	}
	if !ok || t.Version != RecordVersion || c.cfg.MaxAge > 0 && c.now().Sub(t.Learned) >= c.cfg.MaxAge {
		return
	}
	c.learn.use(t.Blocks)
	c.log.Info("boilerplate reused", "blocks", len(t.Blocks), "learned", t.Learned)
}

// keepTemplate stores the template just learned from a full sample.
func (c *Crawler) keepTemplate(ctx context.Context) {
	tk, ok := c.store.(TemplateKeeper)
	if !ok {
		return
	}
	t := missionsearch.Template{Blocks: c.learn.blocks(), Learned: c.now(), Version: RecordVersion}
	if err := tk.PutTemplate(ctx, c.templateKey(), t); err != nil && ctx.Err() == nil {
		c.log.Warn("could not store the boilerplate learned: the next crawl learns it again", "err", err)
	}
}
