package crawler

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// host is the per-host state: robots.txt rules and politeness.
type host struct {
	name string // host[:port]
	base string // scheme://host[:port]

	once     sync.Once
	robots   *robotstxt.Group // nil: everything allowed
	deny     bool             // robots.txt unreachable or 5xx: nothing allowed
	sitemaps []string

	mu    sync.Mutex
	delay time.Duration
	next  time.Time // earliest start of the next request
}

// host returns the state of u's host, creating it.
func (c *Crawler) host(u *url.URL) *host {
	c.hostMu.Lock()
	defer c.hostMu.Unlock()
	h := c.hosts[u.Host]
	if h == nil {
		h = &host{name: u.Host, base: u.Scheme + "://" + u.Host, delay: c.cfg.Delay}
		c.hosts[u.Host] = h
	}
	return h
}

// wait blocks until a request to h may start, and reserves that slot.
func (h *host) wait(ctx context.Context) error {
	h.mu.Lock()
	now := time.Now()
	at := h.next
	if at.Before(now) {
		at = now
	}
	h.next = at.Add(h.delay)
	h.mu.Unlock()
	return sleep(ctx, at.Sub(now))
}

// holdUntil delays every request to h until t (a Retry-After).
func (h *host) holdUntil(t time.Time) {
	h.mu.Lock()
	if t.After(h.next) {
		h.next = t
	}
	h.mu.Unlock()
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// allowed loads h's robots.txt on first use and reports whether u may be
// fetched.
func (c *Crawler) allowed(ctx context.Context, h *host, u *url.URL) bool {
	h.once.Do(func() { c.loadRobots(ctx, h) })
	if h.deny {
		return false
	}
	if h.robots == nil {
		return true
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return h.robots.Test(p)
}

// loadRobots fetches and parses h's robots.txt. A 4xx means no rules; a
// 5xx or an unreachable server means nothing may be fetched (Google's
// rules), as does a cancelled crawl. Crawl-delay raises h's delay.
func (c *Crawler) loadRobots(ctx context.Context, h *host) {
	ru := h.base + "/robots.txt"
	start := time.Now()
	resp, err := c.fetchFollow(ctx, ru, 512<<10)
	if err != nil {
		h.deny = true
		if ctx.Err() == nil {
			c.log.Warn("robots.txt unreachable: not crawling the host", "url", ru, "err", err)
		}
		return
	}
	data, err := robotstxt.FromStatusAndBytes(resp.status, resp.body)
	if err != nil {
		c.log.Warn("robots.txt unreadable: crawling the host without rules", "url", ru, "status", resp.status, "err", err)
		return
	}
	if resp.status >= 500 {
		h.deny = true
		c.log.Warn("robots.txt answers a server error: not crawling the host", "url", ru, "status", resp.status)
		return
	}
	h.sitemaps = data.Sitemaps
	g := data.FindGroup(c.cfg.UserAgent)
	h.robots = g
	if d := min(g.CrawlDelay, maxCrawlDelay); d > 0 {
		h.mu.Lock()
		if d > h.delay {
			h.delay = d
			// The robots.txt request itself was the last one.
			if next := start.Add(d); next.After(h.next) {
				h.next = next
			}
		}
		h.mu.Unlock()
		c.log.Info("robots.txt Crawl-delay", "host", h.name, "delay", d)
	}
}

// response is a fetched response with its body read (or not).
type response struct {
	status      int
	header      http.Header
	contentType string // media type, lower case, without parameters
	body        []byte // nil when not read
	tooBig      bool   // the body exceeded the limit and was not kept
}

// errTooManyRedirects ends a redirect chain of robots.txt or a sitemap.
var errTooManyRedirects = errors.New("too many redirects")

// fetchFollow GETs rawURL, following up to 5 redirects within host scope,
// and reads any body up to limit bytes. It is for robots.txt and sitemaps.
func (c *Crawler) fetchFollow(ctx context.Context, rawURL string, limit int64) (*response, error) {
	cur := rawURL
	for range 5 {
		u, err := url.Parse(cur)
		if err != nil {
			return nil, err
		}
		resp, err := c.fetch(ctx, c.host(u), cur, nil, limit, nil)
		if err != nil {
			return nil, err
		}
		if !isRedirect(resp.status) {
			return resp, nil
		}
		loc, err := u.Parse(resp.header.Get("Location"))
		if err != nil || !c.inHostScope(loc) {
			return nil, fmt.Errorf("redirect out of scope to %q", resp.header.Get("Location"))
		}
		cur = loc.String()
	}
	return nil, errTooManyRedirects
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// fetch GETs rawURL once through h's politeness, retrying 5xx, 429 and
// network failures, and returns the final response. It reads the body up
// to limit bytes when the status is 2xx and want (nil: any) accepts the
// content type. It fails only when no response came at all.
func (c *Crawler) fetch(ctx context.Context, h *host, rawURL string, hdr http.Header, limit int64, want func(string) bool) (*response, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := h.wait(ctx); err != nil {
			return nil, err
		}
		resp, retryAfter, err := c.attempt(ctx, rawURL, hdr, limit, want)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil && !retryable(resp.status) {
			return resp, nil
		}
		if err != nil {
			lastErr = err
			if errors.Is(err, errPrivate) {
				return nil, err
			}
		}
		if attempt >= c.cfg.Retries {
			if err != nil {
				return nil, lastErr
			}
			return resp, nil
		}
		wait := c.cfg.RetryBackoff << attempt
		if err == nil && retryAfter > 0 {
			if retryAfter > c.cfg.MaxRetryAfter {
				c.log.Warn("Retry-After too long: giving up", "url", rawURL, "status", resp.status, "retry_after", retryAfter)
				return resp, nil
			}
			wait = retryAfter
			h.holdUntil(time.Now().Add(retryAfter))
		}
		if err != nil {
			c.log.Debug("fetch failed, retrying", "url", rawURL, "err", err, "attempt", attempt+1, "wait", wait)
		} else {
			c.log.Debug("fetch answered, retrying", "url", rawURL, "status", resp.status, "attempt", attempt+1, "wait", wait)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryable reports whether a response status is worth another attempt.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500 && status != http.StatusNotImplemented && status != http.StatusHTTPVersionNotSupported
}

// attempt sends one GET bounded by the crawl's Timeout, body included.
func (c *Crawler) attempt(ctx context.Context, rawURL string, hdr http.Header, limit int64, want func(string) bool) (*response, time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, 0, err
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	}
	if req.Header.Get("Accept-Language") == "" {
		req.Header.Set("Accept-Language", "fr,en;q=0.8,ar;q=0.6")
	}
	hr, err := c.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer hr.Body.Close()
	resp := &response{status: hr.StatusCode, header: hr.Header}
	if mt, _, err := mime.ParseMediaType(hr.Header.Get("Content-Type")); err == nil {
		resp.contentType = strings.ToLower(mt)
	}
	var retryAfter time.Duration
	if hr.StatusCode == http.StatusTooManyRequests || hr.StatusCode == http.StatusServiceUnavailable {
		retryAfter = parseRetryAfter(hr.Header.Get("Retry-After"), time.Now())
	}
	if hr.StatusCode < 200 || hr.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(hr.Body, 64<<10)) // lets the connection be reused
		return resp, retryAfter, nil
	}
	if want != nil && resp.contentType != "" && !want(resp.contentType) {
		return resp, 0, nil // not read: the transport closes the connection
	}
	if hr.ContentLength > limit {
		resp.tooBig = true
		return resp, 0, nil
	}
	var r io.Reader = hr.Body
	if !hr.Uncompressed && strings.EqualFold(hr.Header.Get("Content-Encoding"), "gzip") {
		gz, err := gzip.NewReader(bufio.NewReader(hr.Body))
		if err != nil {
			return nil, 0, fmt.Errorf("gzip body: %w", err)
		}
		r = gz
	}
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		resp.tooBig = true
		return resp, 0, nil
	}
	resp.body = body
	if resp.contentType == "" {
		mt, _, _ := mime.ParseMediaType(http.DetectContentType(body))
		resp.contentType = mt
	}
	return resp, 0, nil
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP
// date; it returns 0 when there is none or it is malformed.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(min(n, 1<<20)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// gunzipBounded decompresses gzip data, failing beyond limit bytes.
func gunzipBounded(data []byte, limit int64) ([]byte, error) {
	gz, err := gzip.NewReader(strings.NewReader(string(data)))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(gz, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("decompressed size over %d bytes", limit)
	}
	return out, nil
}
