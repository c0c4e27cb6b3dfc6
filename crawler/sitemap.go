package crawler

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/missionsearch/missionsearch/crawler/extract"
)

// initHost reads a seed host's robots.txt, then queues its sitemaps: the
// Sitemap lines in scope and /sitemap.xml.
func (c *Crawler) initHost(ctx context.Context, t task) {
	u, err := url.Parse(t.url)
	if err != nil {
		return
	}
	h := c.host(u)
	h.once.Do(func() { c.loadRobots(ctx, h) })
	for _, s := range append(h.sitemaps, h.base+"/sitemap.xml") {
		c.queueSitemap(s, u, 0)
	}
}

// queueSitemap queues the sitemap at raw (relative to base) unless it is
// out of host scope, already queued, too deeply nested or over budget.
func (c *Crawler) queueSitemap(raw string, base *url.URL, nest int) {
	u, err := base.Parse(strings.TrimSpace(raw))
	if err != nil || !c.inHostScope(u) {
		return
	}
	if nest > maxSitemapNest {
		c.sitemapFailed(u.Host) // a sitemap left unread: the host's list is partial
		return
	}
	u.Fragment = ""
	key := "sitemap " + u.String()
	if c.sitemaps.Load() >= maxSitemaps {
		c.sitemapFailed(u.Host) // a sitemap left unread: the host's list is partial
		return
	}
	if !c.front.claim(key) {
		return
	}
	c.sitemaps.Add(1)
	c.front.push(task{kind: taskSitemap, url: u.String(), depth: nest}, false)
}

// sitemapDoc is a <urlset> or a <sitemapindex>, in any namespace.
type sitemapDoc struct {
	URLs     []sitemapLoc `xml:"url"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type sitemapLoc struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

// crawlSitemap fetches a sitemap (gzip or not), records its page URLs in
// scope with their lastmod (queued by queuePages as seeds of depth 0,
// exempt from the per-pattern budget) and queues its child sitemaps. A missing or broken sitemap is
// logged and ignored.
func (c *Crawler) crawlSitemap(ctx context.Context, t task) {
	u, err := url.Parse(t.url)
	if err != nil {
		return
	}
	if !c.allowed(ctx, c.host(u), u) {
		c.log.Debug("sitemap disallowed by robots.txt", "url", t.url)
		return
	}
	resp, err := c.fetchFollow(ctx, t.url, readSpec{limit: maxSitemapBytes}, false)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("sitemap fetch failed", "url", t.url, "err", err)
			c.sitemapFailed(u.Host)
		}
		return
	}
	if resp.bodyErr != nil {
		c.log.Warn("sitemap: body not decodable", "url", t.url, "err", resp.bodyErr)
		c.sitemapFailed(u.Host)
		return
	}
	if resp.status != 200 || resp.body == nil {
		c.log.Debug("no sitemap", "url", t.url, "status", resp.status, "too_big", resp.tooBig)
		if resp.tooBig || resp.status >= 500 || resp.status == http.StatusTooManyRequests {
			c.sitemapFailed(u.Host) // there is one, unread; a 404 is no sitemap
		}
		return
	}
	body := resp.body
	if bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		if body, err = gunzipBounded(body, maxSitemapBytes); err != nil {
			c.log.Warn("sitemap: bad gzip", "url", t.url, "err", err)
			c.sitemapFailed(u.Host)
			return
		}
	}
	var doc sitemapDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		c.log.Warn("sitemap: bad XML", "url", t.url, "err", err)
		c.sitemapFailed(u.Host)
		return
	}
	for _, s := range doc.Sitemaps {
		c.queueSitemap(s.Loc, u, t.depth+1)
	}
	n := 0
	for _, p := range doc.URLs {
		// Queued with the seeds once every sitemap is read (queuePages).
		if loc, err := extract.NormalizeURL(strings.TrimSpace(p.Loc), u); err == nil {
			if pu, err := url.Parse(loc); err == nil && c.inScope(pu) {
				c.listURL(pu.Host, loc, p.LastMod)
				n++
			}
		}
	}
	c.log.Info("sitemap read", "url", t.url, "urls", len(doc.URLs), "in_scope", n, "sitemaps", len(doc.Sitemaps))
}
