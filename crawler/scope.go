package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/missionsearch/missionsearch/crawler/extract"
)

// inHostScope reports whether u's scheme is http(s) and its host is a seed
// host or an allowed host.
func (c *Crawler) inHostScope(u *url.URL) bool {
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	h := strings.ToLower(u.Host)
	return c.seedHosts[h] || c.hostsExact[h] || c.hostsAny[strings.ToLower(u.Hostname())]
}

// inScope reports whether u may be crawled: in host scope, matching
// Include (when set) and no Exclude.
func (c *Crawler) inScope(u *url.URL) bool {
	if !c.inHostScope(u) {
		return false
	}
	s := u.String()
	for _, re := range c.cfg.Exclude {
		if re.MatchString(s) {
			return false
		}
	}
	if len(c.cfg.Include) == 0 {
		return true
	}
	for _, re := range c.cfg.Include {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// calendarParams are query parameter names of endless date navigation.
var calendarParams = map[string]bool{
	"month": true, "year": true, "day": true, "date": true, "week": true,
	"mois": true, "annee": true, "année": true, "jour": true, "semaine": true,
	"cal": true, "calendar": true, "calendrier": true, "mini": true,
	"start_date": true, "end_date": true, "yearmonth": true,
}

// dateValue matches query values that are dates: 2024-05, 2024/05/31, 20240531.
var dateValue = regexp.MustCompile(`^\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?$|^(19|20)\d{2}(0[1-9]|1[0-2])(\d{2})?$`)

// Path shapes of traps.
const (
	maxPathSegments  = 20 // segments of an ever-deeper path
	maxSegmentRepeat = 2  // times one segment may appear in a path
)

// sessionSegment matches a session id carried in a path: ;jsessionid=…,
// ;phpsessid=…, ;sid=… path parameters and ASP.NET's cookieless (S(…)).
var sessionSegment = regexp.MustCompile(`(?i);(jsessionid|phpsessid|sid|sessionid)=|^\(S\([a-z0-9]{16,}\)\)$`)

// pathTrap returns why u's path looks like a trap, or "": a session id in
// it, more than maxPathSegments segments, or one segment repeated more
// than maxSegmentRepeat times (/a/b/a/b/a/b: relative links resolved
// against themselves).
func pathTrap(u *url.URL) string {
	p := strings.Trim(u.EscapedPath(), "/")
	if p == "" {
		return ""
	}
	segs := strings.Split(p, "/")
	if len(segs) > maxPathSegments {
		return "path deeper than 20 segments"
	}
	seen := make(map[string]int, len(segs))
	for _, s := range segs {
		if sessionSegment.MatchString(s) {
			return "session id in path"
		}
		if s == "" {
			continue
		}
		if seen[s]++; seen[s] > maxSegmentRepeat {
			return "repeated path segment"
		}
	}
	return ""
}

// trapReason returns why u looks like a crawler trap, or "".
func trapReason(u *url.URL) string {
	if r := pathTrap(u); r != "" {
		return r
	}
	if u.RawQuery == "" {
		return ""
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "malformed query"
	}
	if len(q) > maxQueryParams {
		return "too many query parameters"
	}
	for k, vs := range q {
		if calendarParams[strings.ToLower(k)] {
			return "calendar parameter " + k
		}
		for _, v := range vs {
			if dateValue.MatchString(v) {
				return "date-valued parameter " + k
			}
		}
	}
	return ""
}

var digitRun = regexp.MustCompile(`[0-9]+`)

// pattern abstracts u for the per-pattern budget: digit runs of the path
// become "0" and query values are dropped (/fr/news?page=3 →
// host/fr/news?page=).
func pattern(u *url.URL) string {
	p := u.Host + digitRun.ReplaceAllString(u.EscapedPath(), "0")
	if u.RawQuery == "" {
		return p
	}
	var keys []string
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return p + "?" + strings.Join(keys, "=&") + "="
}

// enqueue normalises raw (relative to base when not nil) and queues it
// as a page at t's depth, with t's hops, sitemap origin and linking
// family, unless it is out of scope, a trap, too deep, already seen, over
// its pattern's budget, or of the linking page's family when that family
// is stopped as a trap. URLs listed in a sitemap are exempt from the pattern budget:
// the site declares them. It reports whether it queued it.
func (c *Crawler) enqueue(raw string, base *url.URL, t task, urgent bool) bool {
	depth := t.depth
	n, err := extract.NormalizeURL(raw, base)
	if err != nil {
		return false
	}
	u, err := url.Parse(n)
	if err != nil || !c.inScope(u) {
		return false
	}
	if c.cfg.MaxDepth > 0 && depth > c.cfg.MaxDepth {
		return false
	}
	if r := trapReason(u); r != "" {
		c.log.Debug("not crawling a likely trap", "url", n, "reason", r)
		c.cut(cutShape, r, 1)
		return false
	}
	if !c.front.claim(n) {
		return false
	}
	if t.from != "" && t.from == family(u) && c.traps.stopped(t.from) {
		c.cut(cutTrap, t.from, 1)
		return false
	}
	if !t.sitemap && !c.front.admitPattern(pattern(u)) {
		c.cut(cutPattern, pattern(u), 1)
		return false
	}
	c.front.push(task{kind: taskPage, url: n, depth: depth, hops: t.hops, sitemap: t.sitemap, from: t.from}, urgent)
	return true
}

// errPrivate is returned when the default client refuses an address.
var errPrivate = errors.New("refusing to connect to a private or loopback address")

// newClient returns the HTTP client of the crawl: cfg.Client with
// redirects disabled, or a client whose dialer refuses private addresses
// of hosts other than the seed hosts.
func (c *Crawler) newClient() *http.Client {
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if c.cfg.Client != nil {
		cl := *c.cfg.Client
		cl.CheckRedirect = noRedirect
		return &cl
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: nil, // a proxy would hide the address actually dialled; pass a Client to use one
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return c.dial(ctx, d, network, addr)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   c.cfg.Concurrency + 2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: c.cfg.Timeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: tr, CheckRedirect: noRedirect, Timeout: c.cfg.Timeout}
}

// dial connects to addr, resolving its host itself so that the address
// checked is the address dialled (no DNS rebinding between the two).
// Private, loopback, link-local and unspecified addresses are refused
// unless the host is a seed host.
func (c *Crawler) dial(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if c.trusted[strings.ToLower(host)] {
		return d.DialContext(ctx, network, addr)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
	}
	var last error = fmt.Errorf("%w: %s", errPrivate, host)
	for _, ip := range ips {
		if !publicAddr(ip) {
			continue
		}
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		last = err
	}
	return nil, last
}

// cgnat is the carrier-grade NAT range, private in practice.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// publicAddr reports whether ip is a global unicast address outside the
// private ranges.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !cgnat.Contains(ip)
}

// splitHostPort is net.SplitHostPort failing for entries without a port.
func splitHostPort(h string) (string, string, error) {
	host, port, err := net.SplitHostPort(h)
	if err != nil || port == "" {
		return "", "", errors.New("no port")
	}
	return host, port, nil
}
