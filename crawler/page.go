package crawler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler/extract"
)

// pageFetch is one fetched HTML page on its way to the store.
type pageFetch struct {
	t        task
	u        *url.URL
	resp     *response
	st       missionsearch.CrawlState // the state of t.url from this response
	prev     missionsearch.CrawlState // the stored state of t.url
	hasPrev  bool
	followed bool   // links already queued
	judged   bool   // counted by the trap rule
	storeURL string // where the page is stored; "" until decided
	dupCanon bool   // its canonical URL is crawled on its own: not stored

	// for boilerplate learning
	blocks []string
	lang   missionsearch.Lang
}

// isHTML reports whether a media type is extracted.
func isHTML(mt string) bool {
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// crawlPage fetches one page URL and records the outcome.
func (c *Crawler) crawlPage(ctx context.Context, t task) {
	u, err := url.Parse(t.url)
	if err != nil {
		return
	}
	if t.from != "" && t.from == family(u) && c.traps.stopped(t.from) {
		c.cut(cutTrap, t.from, 1) // queued before its family was stopped
		return
	}
	h := c.host(u)
	if !c.allowed(ctx, h, u) {
		if ctx.Err() == nil {
			c.count(func(s *Stats) { s.Skipped++ })
			c.log.Debug("disallowed by robots.txt", "url", t.url)
		}
		return
	}
	prev, hasPrev, err := c.store.State(ctx, t.url)
	if err != nil {
		if ctx.Err() == nil {
			c.fatal(fmt.Errorf("crawler: read the state of %s: %w", t.url, err))
		}
		return
	}
	now := c.now().UTC()
	if c.fresh(t, prev, hasPrev, now) {
		// Not due: as if it answered 304 (or its redirect), without asking.
		c.count(func(s *Stats) { s.Fresh++ })
		if isRedirect(prev.Status) {
			if t.hops+1 <= maxRedirects {
				c.enqueue(prev.Location, nil, task{depth: t.depth, hops: t.hops + 1, sitemap: t.sitemap, from: t.from}, true)
			}
			return
		}
		c.followLinks(prev.Links, t.depth+1, family(u))
		return
	}
	if hasPrev && prev.Gone && prev.ContentHash == "" && !prev.LastSeen.IsZero() && c.cfg.MaxAge > 0 &&
		now.Sub(prev.LastSeen) < c.cfg.MaxAge && !t.seed {
		// A dead link checked recently: checked again once MaxAge passed.
		c.count(func(s *Stats) { s.Skipped++ })
		c.log.Debug("dead link checked recently", "url", t.url, "status", prev.Status, "checked", prev.LastSeen)
		return
	}
	hdr := http.Header{}
	// A 304 is only useful when the links of the page are known: they are
	// queued again in its place. A state without them (stored before they
	// were recorded) asks for the whole page, and the next one has them.
	// A page stored by an older extraction (prev.Version) is asked for in
	// full too, so that its record is extracted anew.
	// While the boilerplate is learned every page is asked for in full: a
	// 304 has no HTML to learn from, and a sample of the pages that change
	// (listings) would learn their teasers as boilerplate and extract the
	// rest of the crawl differently from the crawl that stored it.
	if hasPrev && !prev.Gone && !t.seed && prev.Links != nil && !c.learn.learning() &&
		(prev.ContentHash == "" || prev.Version == RecordVersion) {
		if prev.ETag != "" {
			hdr.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			hdr.Set("If-Modified-Since", prev.LastModified)
		}
	}
	c.mu.Lock()
	c.fetched[t.url] = true
	c.mu.Unlock()
	resp, err := c.fetch(ctx, h, t.url, hdr, c.pageSpec())
	if err != nil {
		if ctx.Err() == nil {
			c.count(func(s *Stats) { s.Errors++ })
			c.log.Warn("fetch failed", "url", t.url, "err", err)
		}
		return
	}
	c.count(func(s *Stats) { s.Fetched++ })
	now = c.now().UTC()
	p := &pageFetch{t: t, u: u, resp: resp, prev: prev, hasPrev: hasPrev,
		st: missionsearch.CrawlState{
			URL: t.url, ETag: resp.header.Get("ETag"), LastModified: resp.header.Get("Last-Modified"),
			FirstSeen: now, LastSeen: now, Status: resp.status,
		}}
	c.log.Debug("fetched", "url", t.url, "status", resp.status, "bytes", len(resp.body))
	switch {
	case isRedirect(resp.status):
		c.redirected(ctx, p)
	case resp.status == http.StatusNotModified && hasPrev:
		st := prev
		st.LastSeen, st.Status = now, resp.status
		c.plan(&st, prev, hasPrev, false)
		if !c.putState(ctx, st) {
			return
		}
		c.count(func(s *Stats) { s.Unchanged++ })
		// The page is as it was: so are its links, which a crawl stopped
		// after storing it may never have fetched.
		c.followLinks(prev.Links, t.depth+1, family(u))
	case resp.status == http.StatusNotFound || resp.status == http.StatusGone:
		if !hasPrev || prev.Gone {
			// A dead link: its state (no page) is what the dead links
			// report lists (store.BrokenLinks); a known one is not
			// written again.
			if !hasPrev && !c.putState(ctx, deadState(p, resp.status, true)) {
				return
			}
			c.count(func(s *Stats) { s.Skipped++ })
			c.log.Debug("not found", "url", t.url, "status", resp.status)
			return
		}
		c.markStateGone(ctx, p)
		c.log.Info("gone", "url", t.url, "status", resp.status)
	case resp.status >= 200 && resp.status <= 299:
		switch {
		case resp.bodyErr != nil:
			// Never stored: the bytes are not the page.
			c.count(func(s *Stats) { s.Errors++ })
			c.log.Warn("page refused: body not decodable", "url", t.url, "err", resp.bodyErr)
		case c.cfg.PDF != nil && (isPDF(resp.contentType) || isPDFBody(resp.body)):
			p.st.Links = []string{} // a document's links are not followed
			if resp.tooBig {
				c.skipDocument(ctx, p, "too_large", fmt.Errorf("larger than %d bytes", c.cfg.MaxDocumentBytes))
				return
			}
			c.gotPDF(ctx, p)
		case !isHTML(resp.contentType):
			p.st.Links = []string{} // known to have none: a 304 next time queues nothing
			c.skip(ctx, p, "not HTML", "content_type", resp.contentType)
		case resp.tooBig:
			p.st.Links = []string{} // none followed, none to follow after a 304
			c.skip(ctx, p, "page too large", "max_bytes", c.cfg.MaxBodyBytes)
		default:
			c.gotHTML(ctx, p)
		}
	default:
		// The error status is recorded (dead links report); a stored
		// page keeps its validators and links for the next crawl.
		st := deadState(p, resp.status, false)
		if hasPrev {
			st = prev
			st.Status = resp.status
		}
		if !c.putState(ctx, st) {
			return
		}
		c.count(func(s *Stats) { s.Errors++ })
		c.log.Warn("fetch answered an error", "url", t.url, "status", resp.status)
	}
}

// deadState is the state of a URL never stored that answered status: no
// page, no link to follow, gone for a 404 or 410.
func deadState(p *pageFetch, status int, gone bool) missionsearch.CrawlState {
	return missionsearch.CrawlState{URL: p.st.URL, Status: status, Gone: gone, Links: []string{}, LastSeen: p.st.LastSeen}
}

// skip records p's state without a page and counts it skipped.
func (c *Crawler) skip(ctx context.Context, p *pageFetch, why string, attrs ...any) {
	if c.putSkipped(ctx, p) {
		c.log.Debug("skipped: "+why, append([]any{"url", p.t.url}, attrs...)...) // counted in Stats.Skipped
	}
}

// putSkipped schedules and stores p's state without a page, counts it
// skipped, and reports success. It changed when the URL answered
// otherwise before, or held a page.
func (c *Crawler) putSkipped(ctx context.Context, p *pageFetch) bool {
	c.plan(&p.st, p.prev, p.hasPrev, !p.hasPrev || p.prev.Status != p.st.Status || p.prev.ContentHash != "")
	if !c.putState(ctx, p.st) {
		return false
	}
	c.count(func(s *Stats) { s.Skipped++ })
	return true
}

// markStateGone records that the page stored under p's URL left the site,
// with the links and redirect target of this response.
func (c *Crawler) markStateGone(ctx context.Context, p *pageFetch) {
	st := goneState(p.prev)
	st.Status = p.resp.status
	st.Links, st.Location = p.st.Links, p.st.Location
	if !c.putState(ctx, st) {
		return
	}
	if p.prev.ContentHash != "" { // a page was stored, not only a state
		c.markGone(missionsearch.PageID(p.t.url))
	} else {
		c.count(func(s *Stats) { s.Skipped++ })
	}
}

// goneState returns st marked gone, without validators: a page that comes
// back is asked for in full.
func goneState(st missionsearch.CrawlState) missionsearch.CrawlState {
	st.Gone = true
	st.ETag, st.LastModified = "", ""
	return st
}

// putState stores st; a failure stops the crawl. It reports success.
func (c *Crawler) putState(ctx context.Context, st missionsearch.CrawlState) bool {
	if err := c.store.PutState(ctx, st); err != nil {
		if ctx.Err() == nil {
			c.fatal(fmt.Errorf("crawler: store the state of %s: %w", st.URL, err))
		}
		return false
	}
	return true
}

// redirected records a redirect, its target in the state's Location, and
// queues the target (first in line) when it is in scope and new. A page
// stored under the source URL is gone.
func (c *Crawler) redirected(ctx context.Context, p *pageFetch) {
	loc := p.resp.header.Get("Location")
	target, err := extract.NormalizeURL(loc, p.u)
	if err == nil {
		p.st.Location = target
	} else {
		p.st.Location = loc
	}
	if p.hasPrev && !p.prev.Gone && p.prev.ContentHash != "" {
		c.markStateGone(ctx, p)
	} else {
		st := p.st
		st.ETag, st.LastModified = "", ""
		c.plan(&st, p.prev, p.hasPrev, !p.hasPrev || p.prev.Status != st.Status || p.prev.Location != st.Location)
		if !c.putState(ctx, st) {
			return
		}
	}
	if err != nil {
		c.count(func(s *Stats) { s.Errors++ })
		c.log.Warn("redirect to a bad location", "url", p.t.url, "location", loc)
		return
	}
	c.log.Debug("redirect", "url", p.t.url, "status", p.resp.status, "to", target)
	tu, err := url.Parse(target)
	switch {
	case err != nil || !c.inScope(tu):
		c.count(func(s *Stats) { s.Skipped++ })
		c.log.Debug("skipped: redirect out of scope", "url", p.t.url, "to", target)
	case target == p.t.url:
		c.count(func(s *Stats) { s.Errors++ })
		c.log.Warn("redirect loop", "url", p.t.url)
	case p.t.hops+1 > maxRedirects:
		c.count(func(s *Stats) { s.Errors++ })
		c.log.Warn("too many redirects", "url", p.t.url, "to", target, "hops", p.t.hops+1)
	default:
		// A target already seen was or will be crawled on its own; that is
		// also how a loop ends.
		c.enqueue(target, nil, task{depth: p.t.depth, hops: p.t.hops + 1, sitemap: p.t.sitemap, from: p.t.from}, true)
	}
}

// gotHTML extracts and stores an HTML page, first keeping it for
// boilerplate learning while the crawler is learning.
//
// A page fetched is stored even when ctx is cancelled meanwhile: the
// store writes use a context detached from ctx, bounded by flushTimeout,
// and take milliseconds.
func (c *Crawler) gotHTML(ctx context.Context, p *pageFetch) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	defer cancel()
	bp, done := c.learn.state()
	if !done {
		res, err := c.extract(p, nil)
		if err != nil {
			c.count(func(s *Stats) { s.Errors++ })
			c.log.Warn("extract failed", "url", p.t.url, "err", err)
			return
		}
		c.resolveCanonical(p, res)
		c.follow(p, res)
		// Judged now, not when the sample is complete: a trap must not
		// grow while the boilerplate is learned. The boilerplate is the
		// same on every page of a family: it is never new content.
		c.judgeTrap(p, res.Page.Body)
		p.blocks, p.lang = res.Blocks, res.Page.Lang
		kept, flush, fbp := c.learn.add(p)
		if len(flush) > 0 {
			c.log.Info("boilerplate learned", "pages", len(flush), "blocks", c.learn.size())
			c.keepTemplate(ctx)
		}
		if kept {
			for _, q := range flush {
				c.process(ctx, q, fbp)
			}
			return
		}
		bp, _ = c.learn.state()
	}
	c.process(ctx, p, bp)
}

// judgeTrap counts p, with its extracted body, for the trap rule, once.
func (c *Crawler) judgeTrap(p *pageFetch, body string) {
	if p.judged {
		return
	}
	p.judged = true
	if fam, stops := c.traps.judge(p.t, p.u, body); stops {
		c.count(func(s *Stats) { s.TrapFamilies++ })
		c.log.Warn("trap: URL family yields pages without new content: no longer expanded", "family", fam, "url", p.t.url, "pages", c.cfg.TrapPages)
	}
}

// flushLearning ends learning and stores the pages it still kept. It
// reports whether it learned (from fewer pages than the sample: the site
// has no more, or the crawl was cut short).
func (c *Crawler) flushLearning(ctx context.Context) bool {
	flush, bp := c.learn.finish()
	if len(flush) > 0 {
		c.log.Info("boilerplate learned", "pages", len(flush), "blocks", c.learn.size())
	}
	for _, p := range flush {
		c.process(ctx, p, bp)
	}
	return len(flush) > 0
}

// extract runs extract.Extract on p's body with the learned boilerplate
// predicate bp (nil: none) combined with the configured one.
func (c *Crawler) extract(p *pageFetch, bp func(string) bool) (*extract.Result, error) {
	opts := c.cfg.Extract
	if user := opts.Boilerplate; user != nil && bp != nil {
		opts.Boilerplate = func(b string) bool { return user(b) || bp(b) }
	} else if bp != nil {
		opts.Boilerplate = bp
	}
	ct := p.resp.header.Get("Content-Type")
	return extract.Extract(bytes.NewReader(p.resp.body), p.u, ct, opts)
}

// resolveCanonical decides, once, under which URL p is stored: its
// canonical URL when that is in scope and not seen yet (it is then marked
// seen, so never fetched), else its own URL. When the canonical URL is
// already seen it is crawled on its own and p is not stored.
func (c *Crawler) resolveCanonical(p *pageFetch, res *extract.Result) {
	if p.storeURL != "" || p.dupCanon {
		return
	}
	p.storeURL = p.t.url
	if res.Canonical == "" || res.Canonical == p.t.url {
		return
	}
	cu, err := url.Parse(res.Canonical)
	if err != nil || !c.inScope(cu) {
		return // never leave scope through a canonical link
	}
	if !c.front.claim(res.Canonical) {
		p.dupCanon = true
		return
	}
	p.storeURL = res.Canonical
}

// follow queues the links of a page unless it asks not to, and keeps
// those it queues (or would queue, but for this crawl's depth, seen set
// and pattern budgets) in p.st.Links, so that every state stored for p
// records them for the next crawl's 304. Only the first MaxLinksPerPage
// followable links of a page are kept; the others are counted as cut.
func (c *Crawler) follow(p *pageFetch, res *extract.Result) {
	if p.followed {
		return
	}
	p.followed = true
	p.st.Links = []string{}
	if res.NoFollow || robotsTag(p.resp.header, "nofollow") {
		return
	}
	dropped := 0
	for _, l := range res.Links {
		if !c.followable(l) {
			continue
		}
		if max := c.cfg.MaxLinksPerPage; max > 0 && len(p.st.Links) >= max {
			dropped++
			continue
		}
		p.st.Links = append(p.st.Links, l)
	}
	if dropped > 0 {
		c.cut(cutLinks, p.t.url, dropped)
	}
	c.followLinks(p.st.Links, p.t.depth+1, family(p.u))
}

// followable reports whether l, a normalised link of a page, may be
// crawled whatever the state of the crawl: in scope and not a likely
// trap.
func (c *Crawler) followable(l string) bool {
	u, err := url.Parse(l)
	if err != nil || !c.inScope(u) {
		return false
	}
	if r := trapReason(u); r != "" {
		c.log.Debug("not crawling a likely trap", "url", l, "reason", r)
		c.cut(cutShape, r, 1)
		return false
	}
	return true
}

// followLinks queues links, the followable links of one page, as pages at
// depth (see enqueue): the same for a page fetched and for a page that
// answered 304, whose links come from its stored state. from is the
// page's URL family (see the trap rule).
func (c *Crawler) followLinks(links []string, depth int, from string) {
	for _, l := range links {
		c.enqueue(l, nil, task{depth: depth, from: from}, false)
	}
}

// robotsTag reports whether an X-Robots-Tag header has the directive (or
// "none", which means both noindex and nofollow).
func robotsTag(h http.Header, directive string) bool {
	for _, v := range h.Values("X-Robots-Tag") {
		for f := range strings.SplitSeq(strings.ToLower(v), ",") {
			f = strings.TrimSpace(f)
			if i := strings.LastIndexByte(f, ':'); i >= 0 { // "googlebot: noindex"
				f = strings.TrimSpace(f[i+1:])
			}
			if f == directive || f == "none" {
				return true
			}
		}
	}
	return false
}

// process extracts p with bp and stores the page under its canonical URL,
// unless it is noindex, a copy of a page crawled on its own, unchanged or a
// duplicate.
func (c *Crawler) process(ctx context.Context, p *pageFetch, bp func(string) bool) {
	res, err := c.extract(p, bp)
	if err != nil {
		c.count(func(s *Stats) { s.Errors++ })
		c.log.Warn("extract failed", "url", p.t.url, "err", err)
		return
	}
	c.resolveCanonical(p, res)
	c.follow(p, res)
	c.judgeTrap(p, res.Page.Body)
	if res.NoIndex || robotsTag(p.resp.header, "noindex") {
		if p.hasPrev && !p.prev.Gone && p.prev.ContentHash != "" {
			c.markStateGone(ctx, p)
			return
		}
		c.skip(ctx, p, "noindex")
		return
	}
	if kind := softError(res); kind != "" {
		c.softError(ctx, p, kind, res.Page.Title)
		return
	}
	if nearlyEmpty(&res.Page) {
		// An empty calendar day, a table of contents, an article whose
		// text was removed: nothing to find in it. It is kept as a
		// listing (its links still count: the pages citing a document),
		// which is never a result.
		c.count(func(s *Stats) { s.Empty++ })
		c.log.Debug("page with almost no text: stored as a listing", "url", p.t.url, "words", len(strings.Fields(res.Page.Body)))
		res.Page.Type = missionsearch.TypeListing
	}
	c.storePage(ctx, p, res)
}

// minPageWords is the number of words of main content below which an HTML
// page is a listing, never a result; maxTitleWords the words from which a
// title holds the page's text (an unclosed <title>).
const (
	minPageWords  = 4
	maxTitleWords = 20
)

// nearlyEmpty reports whether an extracted HTML page that is not a listing
// has fewer than minPageWords words of main content (its title aside,
// unless the title swallowed the text).
func nearlyEmpty(p *missionsearch.Page) bool {
	if p.Type == missionsearch.TypeDocument || p.Type == missionsearch.TypeListing {
		return false
	}
	if wordsUpTo(p.Title, maxTitleWords+1) > maxTitleWords {
		return false
	}
	return wordsUpTo(p.Body, minPageWords) < minPageWords
}

// wordsUpTo counts the words of s, up to limit.
func wordsUpTo(s string, limit int) int {
	n := 0
	for range strings.FieldsSeq(s) {
		if n++; n >= limit {
			break
		}
	}
	return n
}

// softError records a page that answered 200 with an error page of kind
// (see softError): a "not found" takes a stored page out of the index as
// a 404 would; a maintenance page or a login wall leaves the stored page
// as it was. Either way nothing of the error page is stored.
func (c *Crawler) softError(ctx context.Context, p *pageFetch, kind, title string) {
	c.count(func(s *Stats) { s.SoftErrors++ })
	stored := p.hasPrev && !p.prev.Gone && p.prev.ContentHash != ""
	switch {
	case kind == softNotFound && stored:
		c.markStateGone(ctx, p)
		c.log.Info("gone: the page answers a 'not found' page", "url", p.t.url, "title", title)
	case kind == softNotFound:
		if c.putState(ctx, deadState(p, http.StatusNotFound, true)) {
			c.count(func(s *Stats) { s.Skipped++ })
		}
		c.log.Debug("not found (soft 404)", "url", p.t.url, "title", title)
	default:
		c.count(func(s *Stats) { s.Errors++; s.ErrorPages++ })
		c.log.Warn("error page answered with 200: the stored page is kept", "url", p.t.url, "kind", kind, "title", title)
	}
}

// storePage stores the extracted page res of p under its canonical URL,
// unless it is a copy of a page crawled on its own, not to be indexed
// (NoIndex, IndexOnly), unchanged or a duplicate.
func (c *Crawler) storePage(ctx context.Context, p *pageFetch, res *extract.Result) {
	if p.dupCanon {
		c.skip(ctx, p, "its canonical URL is crawled on its own", "canonical", res.Canonical)
		return
	}
	storeURL := p.storeURL
	if !c.indexable(storeURL, &res.Page) {
		c.skip(ctx, p, "not indexed by --no-index/--index-only", "url", storeURL)
		return
	}
	for _, w := range res.Warnings {
		c.log.Warn("page partly ignored", "url", storeURL, "why", w)
	}
	now := p.st.LastSeen
	page := res.Page
	page.URL, page.ID, page.FetchedAt, page.Site = storeURL, missionsearch.PageID(storeURL), now, c.cfg.Site
	if page.Tags == nil {
		page.Tags = []string{}
	}
	page.Refs = refsOf(res)
	hash := recordHash(&page)

	prev, hasPrev := p.prev, p.hasPrev
	if storeURL != p.t.url {
		// The validators belong to the URL fetched: keep them there, so that
		// the next crawl asks it conditionally.
		c.plan(&p.st, p.prev, p.hasPrev, !p.hasPrev || p.prev.Status != p.st.Status)
		if !c.putState(ctx, p.st) {
			return
		}
		var err error
		if prev, hasPrev, err = c.store.State(ctx, storeURL); err != nil {
			if ctx.Err() == nil {
				c.fatal(fmt.Errorf("crawler: read the state of %s: %w", storeURL, err))
			}
			return
		}
	}
	st := missionsearch.CrawlState{URL: storeURL, ContentHash: hash, FirstSeen: now, LastSeen: now, Status: p.st.Status,
		Links: p.st.Links, Version: RecordVersion}
	if storeURL == p.t.url {
		st.ETag, st.LastModified = p.st.ETag, p.st.LastModified
	}
	if hasPrev && !prev.Gone && prev.ContentHash == hash {
		st.FirstSeen = prev.FirstSeen
		c.plan(&st, prev, hasPrev, false)
		if c.putState(ctx, st) {
			c.claimHash(hash, storeURL)
			c.count(func(s *Stats) { s.Unchanged++ })
		}
		return
	}
	c.plan(&st, prev, hasPrev, true)
	if dup := c.duplicateOf(ctx, hash, storeURL, page.Body); dup != "" {
		c.noteDuplicate(hash, &page, st)
		if hasPrev && prev.ContentHash != "" {
			// A page is stored under this URL, and its content now lives
			// under dup: the page leaves the index (or stays out of it).
			gs := goneState(prev)
			gs.LastSeen, gs.Status = now, p.st.Status
			if c.putState(ctx, gs) && !prev.Gone {
				c.markGone(missionsearch.PageID(storeURL))
				c.log.Info("gone: duplicate content", "url", storeURL, "of", dup)
			}
			return
		}
		if storeURL != p.t.url {
			c.count(func(s *Stats) { s.Skipped++ })
			c.log.Debug("skipped: duplicate content", "url", p.t.url, "of", dup)
			return
		}
		c.skip(ctx, p, "duplicate content", "of", dup)
		return
	}
	if err := c.store.PutPage(ctx, &page, st); err != nil {
		if ctx.Err() == nil {
			c.fatal(fmt.Errorf("crawler: store the page %s: %w", storeURL, err))
		}
		return
	}
	c.markUpdated(page.ID)
	if page.Type == missionsearch.TypeDocument {
		c.count(func(s *Stats) { s.Documents++ })
	}
	c.log.Debug("stored", "url", storeURL, "id", page.ID, "title", page.Title)
}

// indexable applies Config.NoIndex and Config.IndexOnly to a page about
// to be stored under u: false when it is only to be followed. A listing
// that IndexOnly names is stored as an article.
func (c *Crawler) indexable(u string, p *missionsearch.Page) bool {
	for _, re := range c.cfg.NoIndex {
		if re.MatchString(u) {
			return false
		}
	}
	if len(c.cfg.IndexOnly) == 0 {
		return true
	}
	for _, re := range c.cfg.IndexOnly {
		if re.MatchString(u) {
			if p.Type == missionsearch.TypeListing {
				p.Type = missionsearch.TypeArticle
			}
			return true
		}
	}
	return false
}

// refsOf returns the refs of an extracted page: its teasers, then the
// other links of its text.
func refsOf(res *extract.Result) []missionsearch.Ref {
	refs := make([]missionsearch.Ref, 0, len(res.Teasers)+len(res.TextLinks))
	for _, t := range res.Teasers {
		refs = append(refs, missionsearch.Ref{URL: t.URL, Title: t.Title, Date: t.Date, Teaser: true})
	}
	for _, t := range res.TextLinks {
		refs = append(refs, missionsearch.Ref{URL: t.URL, Title: t.Title})
	}
	return refs
}

// RecordVersion is the version of what extraction decides of a page: bump
// it when a change of extraction changes records, so that the next crawl
// fetches every stored page in full (no 304) and stores its new record.
const RecordVersion = 4

// recordHash is the content hash of a page about to be stored: the hex
// SHA-256 of everything extraction decided (type, title, dates and their
// source, section, tags, description, headings, translations, body, refs,
// partners, people and places),
// not of its URL or fetch time. An unchanged hash means the stored record
// is what a new extraction gives; a record of an older version of the
// extraction hashes differently and is written again.
func recordHash(p *missionsearch.Page) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	enc.Encode(struct {
		V                     int
		Type                  missionsearch.PageType
		Title                 string
		Lang                  missionsearch.Lang
		Published, Updated    time.Time
		Source, Section, Desc string
		Tags, Headings        []string
		Translations          []missionsearch.Link
		Refs                  []missionsearch.Ref
		Partners, Places      []string
		People                []missionsearch.Person
	}{RecordVersion, p.Type, p.Title, p.Lang, p.Published, p.Updated, p.PublishedSource, p.Section, p.Description,
		p.Tags, p.Headings, p.Translations, p.Refs, p.Partners, p.Places, p.People})
	h.Write([]byte(p.Body))
	if p.Site != "" { // absent from the hashes of one-site stores
		h.Write([]byte("\x00site " + p.Site))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// claimHash records that url holds the content of hash in this crawl.
func (c *Crawler) claimHash(hash, url string) {
	c.mu.Lock()
	if _, ok := c.runHash[hash]; !ok {
		c.runHash[hash] = url
	}
	c.mu.Unlock()
}

// duplicateOf returns the URL of another page with the same content (a
// non-empty body hashing to hash), found in this crawl or in the store;
// "" when storeURL is the first. It claims hash for storeURL otherwise.
func (c *Crawler) duplicateOf(ctx context.Context, hash, storeURL, body string) string {
	if strings.TrimSpace(body) == "" {
		return ""
	}
	c.mu.Lock()
	if u, ok := c.runHash[hash]; ok && u != storeURL {
		c.mu.Unlock()
		return u
	}
	c.runHash[hash] = storeURL
	c.mu.Unlock()
	if c.hashes == nil {
		return ""
	}
	_, u, ok, err := c.hashes.PageByHash(ctx, hash)
	if err != nil {
		c.log.Warn("duplicate lookup failed", "url", storeURL, "err", err)
		return ""
	}
	if ok && u != storeURL {
		return u
	}
	return ""
}

// duplicate is a page skipped because another URL holds its content.
type duplicate struct {
	page  *missionsearch.Page
	state missionsearch.CrawlState
}

// noteDuplicate remembers page, skipped as a duplicate of content hash,
// when its URL is preferred to those skipped so far.
func (c *Crawler) noteDuplicate(hash string, page *missionsearch.Page, st missionsearch.CrawlState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.dupBest[hash]; !ok || preferredURL(page.URL, d.page.URL) {
		p := *page
		c.dupBest[hash] = duplicate{page: &p, state: st}
	}
}

// preferredURL reports whether a is a better address than b for the same
// content: one with fewer query parameters (/fr/news rather than
// /fr/news?page=0). Between two paths (a chapter and its copy in an
// appendix) neither is better: the first stored keeps the content.
func preferredURL(a, b string) bool {
	params := func(u string) int {
		i := strings.IndexByte(u, '?')
		if i < 0 {
			return 0
		}
		return 1 + strings.Count(u[i:], "&")
	}
	return params(a) < params(b)
}

// settleDuplicates moves each page whose content was also found under a
// preferred URL in this run to that URL: stored there, and gone from the
// URL that held it. It runs once the workers are done, so nothing else
// writes the states it reads.
func (c *Crawler) settleDuplicates(ctx context.Context) {
	for hash, d := range c.dupBest {
		holder := c.runHash[hash]
		if c.hashes != nil {
			_, u, ok, err := c.hashes.PageByHash(ctx, hash)
			if err != nil {
				c.log.Warn("duplicate lookup failed", "hash", hash, "err", err)
				continue
			}
			if !ok {
				continue
			}
			holder = u
		}
		if holder == "" || holder == d.page.URL || !preferredURL(d.page.URL, holder) {
			continue
		}
		prev, ok, err := c.store.State(ctx, holder)
		if err != nil || !ok || prev.Gone || prev.ContentHash != hash {
			continue // not stored with this content after all
		}
		if err := c.store.PutPage(ctx, d.page, d.state); err != nil {
			if ctx.Err() == nil {
				c.fatal(fmt.Errorf("crawler: store the page %s: %w", d.page.URL, err))
			}
			return
		}
		if !c.putState(ctx, goneState(prev)) {
			return
		}
		if id := missionsearch.PageID(holder); !prev.FirstSeen.Before(c.ranAt) {
			// First stored in this run: never indexed, nothing to remove.
			c.mu.Lock()
			delete(c.updated, id)
			c.stats.Stored--
			c.mu.Unlock()
		} else {
			c.markGone(id)
		}
		c.markUpdated(d.page.ID)
		c.log.Info("duplicate content moved to its preferred URL", "from", holder, "to", d.page.URL)
	}
}
