package crawler

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
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

// MaxRobotsBytes is how much of a robots.txt file is parsed (RFC 9309
// asks for at least 500 KiB); the rest of a larger file is ignored.
const MaxRobotsBytes = 500 << 10

// host is the per-host state: robots.txt rules and politeness.
type host struct {
	name string // host[:port]
	base string // scheme://host[:port]

	once     sync.Once
	robots   *robotstxt.Group // nil: everything allowed
	deny     bool             // robots.txt unreachable or 5xx: nothing allowed
	sitemaps []string

	// cond lets one conditional request at a time to the host: it does
	// not wait the delay (a 304 costs the site next to nothing), and one
	// answered in full makes the next request wait it (paid), so that
	// conditional requests answered 200 never come faster than the delay.
	cond sync.Mutex

	mu    sync.Mutex
	delay time.Duration // between two requests: Config.Delay raised by Crawl-delay
	asked time.Duration // the robots.txt Crawl-delay alone
	next  time.Time     // earliest start of the next request
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

// wait blocks until a request to h may start, and reserves that slot. A
// conditional request (cond, one at a time: h.cond) reserves only the
// host's own Crawl-delay: a 304 costs the site next to nothing, and a
// conditional request answered in full makes the next request wait the
// whole delay (see paid).
func (h *host) wait(ctx context.Context, cond bool) error {
	h.mu.Lock()
	now := time.Now()
	at := h.next
	if at.Before(now) {
		at = now
	}
	if cond {
		h.next = at.Add(h.asked)
	} else {
		h.next = at.Add(h.delay)
	}
	h.mu.Unlock()
	return sleep(ctx, at.Sub(now))
}

// paid makes the next request to h wait the whole delay from now: after a
// conditional request answered in full.
func (h *host) paid() {
	h.mu.Lock()
	d := h.delay
	h.mu.Unlock()
	h.holdUntil(time.Now().Add(d))
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

// loadRobots fetches and parses h's robots.txt as RFC 9309 says:
//   - 2xx: the first MaxRobotsBytes (500 KiB) are parsed and applied, a
//     larger file included (the rest is ignored, a cut last line too);
//   - a 4xx other than 429, or more than 5 redirects: no rules;
//   - 429, 5xx, a network error or an undecodable body, after the
//     fetch's retries: the host is unavailable, and nothing of it is
//     crawled in this run (see hostUnavailable);
//   - a host the default client refuses to dial (a private address) is
//     not crawled either, by rule rather than as an error;
//   - redirects are followed up to 5 hops, to any http(s) host.
//
// A cancelled crawl fetches nothing more either. Crawl-delay raises h's
// delay.
func (c *Crawler) loadRobots(ctx context.Context, h *host) {
	ru := h.base + "/robots.txt"
	start := time.Now()
	resp, err := c.fetchFollow(ctx, ru, readSpec{limit: MaxRobotsBytes, truncate: true}, true)
	switch {
	case ctx.Err() != nil:
		h.deny = true
		return
	case errors.Is(err, errTooManyRedirects):
		c.log.Warn("robots.txt: more than 5 redirects: crawling the host without rules", "url", ru)
		return
	case errors.Is(err, errPrivate):
		// Our own rule, not the host's state: its pages count as skipped.
		h.deny = true
		c.log.Warn("not crawling a host with a private or loopback address", "host", h.name)
		return
	case err != nil:
		c.hostUnavailable(h, ru, err.Error())
		return
	case resp.bodyErr != nil:
		c.hostUnavailable(h, ru, resp.bodyErr.Error())
		return
	case resp.status == http.StatusTooManyRequests || resp.status >= 500:
		c.hostUnavailable(h, ru, fmt.Sprintf("status %d", resp.status))
		return
	case resp.status >= 400:
		c.log.Info("no robots.txt: crawling the host without rules", "url", ru, "status", resp.status)
		return
	case resp.status < 200 || resp.status > 299:
		c.hostUnavailable(h, ru, fmt.Sprintf("unexpected status %d", resp.status))
		return
	}
	body := resp.body
	if resp.truncated {
		// A rule cut in its middle would mean another rule.
		if i := bytes.LastIndexByte(body, '\n'); i >= 0 {
			body = body[:i+1]
		}
		c.log.Warn("robots.txt over the parsing limit: applying its first part", "url", ru, "limit_bytes", MaxRobotsBytes)
	}
	data, err := robotstxt.FromBytes(lenientRobots(body))
	if err != nil {
		// Never crawl everything because the file could not be read.
		c.hostUnavailable(h, ru, "unreadable: "+strings.TrimSpace(err.Error()))
		return
	}
	h.sitemaps = data.Sitemaps
	g := data.FindGroup(c.cfg.UserAgent)
	h.robots = g
	if d := min(g.CrawlDelay, maxCrawlDelay); d > 0 {
		h.mu.Lock()
		h.asked = d
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

// hostUnavailable records that h's robots.txt at ru could not be had (why
// says how): nothing of h is fetched in this run, the host counts as one
// error in Stats.Errors and Stats.HostsUnavailable, and Run returns an
// error wrapping ErrHostsUnavailable.
func (c *Crawler) hostUnavailable(h *host, ru, why string) {
	h.deny = true
	c.mu.Lock()
	c.stats.Errors++
	c.stats.HostsUnavailable++
	c.unavailable[h.name] = why
	c.mu.Unlock()
	c.log.Error("robots.txt unavailable: not crawling the host in this run", "host", h.name, "url", ru, "reason", why)
}

// lenientRobots drops the lines the robots.txt parser would reject the
// whole file for (RFC 9309 asks parsers to skip what they cannot read):
// rules before the first User-agent line and Crawl-delay lines without a
// number.
func lenientRobots(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out bytes.Buffer
	out.Grow(len(data))
	agent := false
	for line := range bytes.Lines(data) {
		text := line
		if i := bytes.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		key, val, ok := bytes.Cut(text, []byte(":"))
		if ok {
			switch strings.ToLower(string(bytes.TrimSpace(key))) {
			case "user-agent", "useragent", "user agent":
				agent = true
			case "allow", "disallow":
				if !agent {
					continue
				}
			case "crawl-delay", "crawldelay", "crawl delay":
				if _, err := strconv.ParseFloat(string(bytes.TrimSpace(val)), 64); err != nil || !agent {
					continue
				}
			}
		}
		out.Write(line)
	}
	return out.Bytes()
}

// response is a fetched response with its body read (or not).
type response struct {
	status      int
	header      http.Header
	contentType string // media type, lower case, without parameters
	body        []byte // nil when not read
	tooBig      bool   // the body exceeded the limit and was not kept
	truncated   bool   // the body exceeded the limit and its first limit bytes were kept
	// bodyErr says why a 2xx body could not be decoded (an unsupported or
	// corrupt Content-Encoding); body is nil then.
	bodyErr error
}

// readSpec says which 2xx bodies fetch reads and how much of them.
type readSpec struct {
	limit    int64              // bytes of decoded body kept at most
	limitFor func(string) int64 // when set, the limit of a media type instead
	truncate bool               // keep the first limit bytes of a larger body instead of none
	want     func(string) bool  // nil: any content type; else the media types read
}

// errTooManyRedirects ends a redirect chain of robots.txt or a sitemap.
var errTooManyRedirects = errors.New("too many redirects")

// maxFollow is the number of redirects fetchFollow follows (RFC 9309
// asks for at least 5 for robots.txt).
const maxFollow = 5

// fetchFollow GETs rawURL, following up to 5 redirects, and reads any body
// as rs says. It is for robots.txt and sitemaps. Redirects stay within
// host scope unless anyHost (robots.txt, which RFC 9309 lets redirect
// across hosts; the default client still refuses private addresses of
// hosts other than the seeds').
func (c *Crawler) fetchFollow(ctx context.Context, rawURL string, rs readSpec, anyHost bool) (*response, error) {
	cur := rawURL
	for range maxFollow + 1 {
		u, err := url.Parse(cur)
		if err != nil {
			return nil, err
		}
		resp, err := c.fetch(ctx, c.host(u), cur, nil, rs)
		if err != nil {
			return nil, err
		}
		if !isRedirect(resp.status) {
			return resp, nil
		}
		loc, err := u.Parse(resp.header.Get("Location"))
		if err != nil || resp.header.Get("Location") == "" {
			return nil, fmt.Errorf("redirect from %s to a bad location %q", cur, resp.header.Get("Location"))
		}
		if anyHost && loc.Scheme != "http" && loc.Scheme != "https" || !anyHost && !c.inHostScope(loc) {
			return nil, fmt.Errorf("redirect from %s out of scope to %q", cur, resp.header.Get("Location"))
		}
		loc.Fragment = ""
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
// network failures, and returns the final response. It reads the body as
// rs says when the status is 2xx. It fails only when no response came at
// all.
func (c *Crawler) fetch(ctx context.Context, h *host, rawURL string, hdr http.Header, rs readSpec) (*response, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		cond := hdr.Get("If-None-Match") != "" || hdr.Get("If-Modified-Since") != ""
		if cond {
			h.cond.Lock()
		}
		if err := h.wait(ctx, cond); err != nil {
			if cond {
				h.cond.Unlock()
			}
			return nil, err
		}
		resp, retryAfter, err := c.attempt(ctx, rawURL, hdr, rs)
		if cond {
			if err != nil || resp.status != http.StatusNotModified {
				h.paid()
			}
			h.cond.Unlock()
		}
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
func (c *Crawler) attempt(ctx context.Context, rawURL string, hdr http.Header, rs readSpec) (*response, time.Duration, error) {
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
	if rs.want != nil && resp.contentType != "" && !rs.want(resp.contentType) {
		return resp, 0, nil // not read: the transport closes the connection
	}
	limit := rs.limit
	if rs.limitFor != nil {
		limit = rs.limitFor(resp.contentType)
	}
	if hr.ContentLength > limit && !rs.truncate {
		resp.tooBig = true
		return resp, 0, nil
	}
	var r io.Reader = hr.Body
	if !hr.Uncompressed {
		dr, err := decodeBody(hr.Body, hr.Header.Values("Content-Encoding"))
		if err != nil {
			resp.bodyErr = fmt.Errorf("%s: %w", rawURL, err)
			return resp, 0, nil
		}
		r = dr
	}
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		if actx.Err() == nil && isDecodeError(err) {
			resp.bodyErr = fmt.Errorf("%s: Content-Encoding %q: corrupt data: %w", rawURL, hr.Header.Get("Content-Encoding"), err)
			return resp, 0, nil
		}
		return nil, 0, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		if !rs.truncate {
			resp.tooBig = true
			return resp, 0, nil
		}
		body, resp.truncated = body[:limit], true
	}
	resp.body = body
	if resp.contentType == "" {
		mt, _, _ := mime.ParseMediaType(http.DetectContentType(body))
		resp.contentType = mt
	}
	return resp, 0, nil
}

// decodeBody undoes the Content-Encoding values of a response (applied in
// the order listed, so undone last first): gzip (x-gzip) and deflate, which
// servers send zlib-wrapped (RFC 9110) or raw (RFC 1951); identity is
// nothing. Any other coding (br, zstd, compress, ...) is an error: the
// crawler never stores bytes it cannot decode.
func decodeBody(r io.Reader, values []string) (io.Reader, error) {
	var codings []string
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.ToLower(strings.TrimSpace(f)); f != "" && f != "identity" {
				codings = append(codings, f)
			}
		}
	}
	if len(codings) > 3 {
		return nil, fmt.Errorf("Content-Encoding %q: more than 3 codings", strings.Join(values, ", "))
	}
	for i := len(codings) - 1; i >= 0; i-- {
		switch codings[i] {
		case "gzip", "x-gzip":
			gz, err := gzip.NewReader(bufio.NewReader(r))
			if err != nil {
				return nil, fmt.Errorf("Content-Encoding gzip: corrupt data: %w", err)
			}
			r = gz
		case "deflate":
			br := bufio.NewReader(r)
			if head, err := br.Peek(2); err == nil && isZlibHeader(head) {
				zr, err := zlib.NewReader(br)
				if err != nil {
					return nil, fmt.Errorf("Content-Encoding deflate: corrupt zlib data: %w", err)
				}
				r = zr
			} else {
				r = flate.NewReader(br)
			}
		default:
			return nil, fmt.Errorf("unsupported Content-Encoding %q (supported: gzip, deflate)", codings[i])
		}
	}
	return r, nil
}

// isZlibHeader reports whether b starts a zlib stream (RFC 1950): method
// 8 (deflate), a window of at most 32 KiB and a valid check value. A raw
// deflate stream can start like one only by chance: 1 in about 500.
func isZlibHeader(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// isDecodeError reports whether err comes from corrupt compressed data
// rather than from the connection.
func isDecodeError(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.Is(err, zlib.ErrChecksum) || errors.Is(err, zlib.ErrHeader)
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
