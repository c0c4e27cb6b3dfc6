package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler/extract"
	"github.com/missionsearch/missionsearch/crawler/pdftext"
)

// DefaultUserAgent is the User-Agent header sent, and the agent matched
// against robots.txt groups, when Config.UserAgent is empty.
// It names no contact: operators give theirs with Config.UserAgent (crawl
// --user-agent), as sites expect of a crawler.
const DefaultUserAgent = "missionsearch/0.1 (site search crawler)"

// Defaults of the Config fields left zero.
const (
	DefaultConcurrency      = 4
	DefaultMaxDepth         = 50
	DefaultMaxBodyBytes     = 10 << 20
	DefaultMaxDocumentBytes = 32 << 20
	DefaultMaxAge           = 7 * 24 * time.Hour
	DefaultTimeout          = 30 * time.Second
	DefaultRetries          = 2
	DefaultRetryBackoff     = 500 * time.Millisecond
	DefaultMaxRetryAfter    = 30 * time.Second
	DefaultMaxPerPattern    = 1000
	DefaultMaxLinksPerPage  = 5000
	DefaultTrapPages        = 30
	DefaultBoilerplatePages = 30
)

// Limits that are not configurable.
const (
	maxRedirects     = 10               // hops from the first URL of a chain
	maxCrawlDelay    = 60 * time.Second // a larger robots.txt Crawl-delay is cut to this
	maxQueryParams   = 3                // URLs with more query parameters are not crawled
	maxSitemapBytes  = 50 << 20         // decompressed size of one sitemap (the protocol's limit)
	maxSitemaps      = 500              // sitemap files fetched in one crawl
	maxSitemapNest   = 3                // levels of sitemap indexes followed
	learnBudgetBytes = 32 << 20         // raw HTML kept for boilerplate learning
	flushTimeout     = 30 * time.Second // storing the learning pages after a cancel
	progressEvery    = 200 * time.Millisecond
)

// Store is what the crawler needs from the crawl store; *store.Store
// satisfies it. Its methods must be safe for concurrent use: the crawler's
// workers call them in parallel. PutPage and PutState must be durable when
// they return nil.
//
// When the Store also implements HashFinder, duplicate content is detected
// across crawls; otherwise only within one crawl.
//
// State must give back every field of the last state put, CrawlState.Links
// included: a 304 answer queues the stored links in place of the page's. A
// Store that does not keep Links (State returns nil Links) is still
// correct, only slower: the crawler then asks for every page in full.
type Store interface {
	// State returns the crawl state stored for url; ok is false when none.
	State(ctx context.Context, url string) (st missionsearch.CrawlState, ok bool, err error)
	// PutPage stores p and the state of its URL (st.URL == p.URL).
	PutPage(ctx context.Context, p *missionsearch.Page, st missionsearch.CrawlState) error
	// PutState stores the state of a URL alone: a 304, a redirect, a gone
	// page or a skipped URL.
	PutState(ctx context.Context, st missionsearch.CrawlState) error
}

// DueLister is an optional ability of a Store: listing the live stored
// pages due for a check at now (NextCheck set and not after now, or last
// seen before staleBefore), which a crawl checks even when no link leads
// to them any more (Config.MaxAge, the schedule), and those the sitemap
// listed at their last check (CrawlState.Listed), which a crawl checks
// when they have left it.
type DueLister interface {
	DueURLs(ctx context.Context, now, staleBefore time.Time, fn func(url string) error) error
	ListedURLs(ctx context.Context, fn func(url string) error) error
}

// HashFinder is an optional ability of a Store: finding a live page by the
// ContentHash of its state, so that content reached under two URLs is
// stored once.
type HashFinder interface {
	PageByHash(ctx context.Context, hash string) (id, url string, ok bool, err error)
}

// Config configures a crawl. Only Seeds is required; every other zero value
// means the documented default.
type Config struct {
	// Site names the configured site this crawl stores (Page.Site): one
	// store and one index hold many sites. "" for a store of one site.
	Site string
	// Seeds are the start URLs. Their hosts are in scope, and the
	// crawler also reads each seed host's robots.txt sitemaps and
	// /sitemap.xml. Seeds are fetched even when Include/Exclude reject them.
	Seeds []string
	// AllowedHosts are further hosts in scope ("host" or "host:port"; a
	// bare host allows every port).
	AllowedHosts []string
	// Include, when not empty, restricts the crawl to normalised URLs
	// matching at least one regexp; URLs matching any Exclude regexp are
	// never crawled.
	Include, Exclude []*regexp.Regexp
	// NoIndex: pages whose (canonical) URL matches one of these are
	// followed but never stored. IndexOnly, when not empty: only pages
	// matching one of these are stored, and a listing among them is
	// stored as an article. Both override the type the crawler decides.
	NoIndex, IndexOnly []*regexp.Regexp
	// MaxAge is how long a stored page may go unchecked: a crawl fetches
	// again every stored page last seen longer ago, even when no link
	// leads to it any more (a deleted, unlinked article then leaves the
	// index), and a known dead link is fetched again only once its last
	// check is that old. 0 means DefaultMaxAge; negative, never.
	MaxAge time.Duration
	// MaxPages stops the crawl after this many page fetches (redirect hops
	// count); 0 means no limit.
	MaxPages int
	// MaxDepth is the maximum number of links from a seed or sitemap entry
	// (0 means DefaultMaxDepth, negative means no limit).
	MaxDepth int
	// Delay is the minimum time between the starts of two requests to one
	// host; a robots.txt Crawl-delay raises it (up to 60s). 0 means none.
	Delay time.Duration
	// Concurrency is the number of parallel fetches (0 means
	// DefaultConcurrency).
	Concurrency int
	// UserAgent is sent with every request and matched against robots.txt
	// groups ("" means DefaultUserAgent).
	UserAgent string
	// MaxBodyBytes caps the (decompressed) size of a page; a larger page
	// is skipped and its state recorded (0 means DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Timeout bounds one HTTP attempt, from the connection to the last
	// byte of the body (0 means DefaultTimeout).
	Timeout time.Duration
	// Retries is the number of further attempts after a 5xx, a 429 or a
	// network error or timeout (0 means DefaultRetries, negative means
	// none).
	Retries int
	// RetryBackoff is the wait before the first retry, doubled at each
	// further one (0 means DefaultRetryBackoff).
	RetryBackoff time.Duration
	// MaxRetryAfter is the longest 429/503 Retry-After the crawler waits
	// for; a longer one makes the fetch fail (0 means DefaultMaxRetryAfter).
	MaxRetryAfter time.Duration
	// MaxPerPattern caps the URLs crawled per pattern, the URL with digit
	// runs and query values abstracted (/fr/calendar?month=0): a defence
	// against crawler traps (0 means DefaultMaxPerPattern, negative means
	// no limit). URLs listed in a sitemap are exempt and not counted. The
	// URLs it drops are reported in Stats.PatternCut and Stats.Cuts.
	MaxPerPattern int
	// MaxLinksPerPage caps the followable (in-scope, non-trap) links kept
	// from one page, in document order (0 means DefaultMaxLinksPerPage,
	// negative means no limit). The links it drops are reported in
	// Stats.LinksCut and Stats.Cuts.
	MaxLinksPerPage int
	// TrapPages is the number of pages without new content (empty, or
	// near-identical to the last pages of their URL family) after which a
	// URL family that yields more of them than of pages with new content
	// is no longer expanded (see the package documentation; 0 means
	// DefaultTrapPages, negative disables the rule). The URLs it drops are
	// reported in Stats.TrapCut and Stats.Cuts.
	TrapPages int
	// BoilerplatePages is the number of first HTML pages the boilerplate
	// is learned from (see the package documentation; 0 means
	// DefaultBoilerplatePages, negative disables learning).
	BoilerplatePages int
	// Client, when set, sends the requests; the crawler uses a copy with
	// redirects disabled. The default client refuses private and loopback
	// addresses except those of the seed hosts; a custom client is
	// trusted to apply its own rules.
	Client *http.Client
	// Logger receives the crawl's log (nil means discard).
	Logger *slog.Logger
	// Progress, when set, is called with the running totals at most every
	// 200ms from one goroutine, and once more when Run ends.
	Progress func(Stats)
	// Extract tunes extraction. A Boilerplate function given here is
	// combined (or) with the learned one.
	Extract extract.Options
	// PDF, when set, extracts the text of the PDF documents the site
	// links to (application/pdf, or a body starting with %PDF- whatever
	// its type), which are then stored as document pages; nil skips them
	// as not HTML. At most MaxDocumentBytes are read of each (0 means
	// DefaultMaxDocumentBytes); larger ones are skipped.
	PDF              *pdftext.Extractor
	MaxDocumentBytes int64
}

// Stats are the running totals of a crawl.
type Stats struct {
	// Fetched counts page URLs that got a final HTTP response (after
	// retries), whatever its status.
	Fetched int
	// Stored counts pages written with PutPage (new or changed).
	Stored int
	// Unchanged counts 304 answers and pages whose content did not change.
	Unchanged int
	// Empty counts HTML pages stored as listings (never results) because
	// their main content has fewer than 4 words.
	Empty int
	// Fresh counts known URLs not fetched because they were not due (see
	// the schedule in the package documentation); their stored links were
	// followed.
	Fresh int
	// Skipped counts URLs not stored by rule: robots.txt, non-HTML, too
	// large, noindex, out-of-scope redirects, duplicates, unknown 404s.
	Skipped int
	// Errors counts failed fetches (network errors, 5xx after retries,
	// other 4xx, unreadable pages).
	Errors int
	// Gone counts stored pages found gone (404, 410, redirected, noindex).
	Gone int
	// HostsUnavailable counts hosts left uncrawled in this run because
	// their robots.txt answered 429 or 5xx or could not be fetched or
	// read (each also counts in Errors; Run then returns an error
	// wrapping ErrHostsUnavailable).
	HostsUnavailable int
	// PatternCut counts URLs not crawled because their pattern had spent
	// its MaxPerPattern budget.
	PatternCut int
	// LinksCut counts links not followed because their page had more
	// than MaxLinksPerPage followable links; LinksCutPages counts those
	// pages.
	LinksCut, LinksCutPages int
	// TrapCut counts URLs not crawled because their URL family was
	// stopped as a trap; TrapFamilies counts those families.
	TrapCut, TrapFamilies int
	// ShapeCut counts links not followed because their URL has the shape
	// of a trap (a calendar or date query, a session id in the path, an
	// ever-deeper or self-repeating path, too many query parameters).
	ShapeCut int
	// Cuts details the budgets that cut, one entry per pattern or page,
	// the largest first. Only the Stats returned by Run (and given to the
	// last Progress call) have it.
	Cuts []Cut
	// SoftErrors counts pages that answered 200 with an error page: a
	// "page introuvable" (a stored one is then gone), a maintenance page
	// or a login wall (the stored page is kept; these also count in
	// Errors).
	SoftErrors int
	// ErrorPages counts, among SoftErrors, the maintenance pages and
	// login walls: a site answering many of them is down for the crawl.
	ErrorPages int
	// Documents counts the PDF documents stored (also in Stored);
	// DocumentsSkipped counts those skipped, by reason (pdftext.Reason:
	// "no_text", "encrypted", "broken", "timeout", "too_large",
	// "unavailable"; each also counts in Skipped).
	Documents        int
	DocumentsSkipped map[string]int
	// Queued is the number of URLs waiting in the frontier.
	Queued int
	// Elapsed is the time since Run started.
	Elapsed time.Duration
}

// Cut is one budget that left URLs out of a crawl.
type Cut struct {
	// Rule is the budget: "max-per-pattern", "max-links-per-page" or
	// "trap-family".
	Rule string
	// Key is what it cut: the URL pattern (host and path with digit runs
	// as 0, query keys), the page URL, or the URL family (a pattern whose
	// last path segment is "*").
	Key string
	// Dropped is the number of URLs or links left out.
	Dropped int
}

// Rules of Cut.
const (
	cutPattern = "max-per-pattern"
	cutLinks   = "max-links-per-page"
	cutTrap    = "trap-family"
	cutShape   = "trap-shape" // keyed by the reason of trapReason
)

// Crawler crawls one site configuration once. Create it with New and call
// Run once; Changed is valid after Run.
type Crawler struct {
	cfg    Config
	store  Store
	hashes HashFinder // nil when the store cannot look up hashes
	log    *slog.Logger
	client *http.Client

	seeds      []*url.URL
	seedHosts  map[string]bool // host[:port] of every seed
	trusted    map[string]bool // host names whose private addresses may be dialled
	hostsExact map[string]bool // AllowedHosts entries with a port
	hostsAny   map[string]bool // AllowedHosts entries without a port

	started  atomic.Bool
	begin    time.Time
	now      func() time.Time // the clock of the schedule (time.Now)
	ranAt    time.Time        // now() when Run began
	front    *frontier
	traps    *traps
	learn    *learner
	abort    context.CancelCauseFunc // set by Run: stops the crawl with a cause
	sitemaps atomic.Int64            // sitemap files queued (see maxSitemaps)

	hostMu sync.Mutex
	hosts  map[string]*host

	mu           sync.Mutex
	stats        Stats
	unavailable  map[string]string // host → why its robots.txt could not be had
	cuts         map[[2]string]int // {rule, key} → URLs dropped
	updated      map[string]bool   // page IDs stored in this run
	gone         map[string]bool   // page IDs found gone in this run
	runHash      map[string]string
	listed       map[string]time.Time // URL → lastmod (zero: none) of the sitemaps read
	listedOrder  []string             // the keys of listed, in sitemap order
	sitemapHosts map[string]bool      // hosts with a sitemap that listed pages
	unlisted     map[string]bool      // URLs whose state was written with Listed false in this run
	sitemapBad   map[string]bool      // hosts with a sitemap that could not be read whole
	fetched      map[string]bool      // URLs fetched (or tried) in this run
	pdfJobs      chan struct{}        // one token per PDF being extracted
	// dupBest is, per content hash found under several URLs in this run,
	// the preferred URL among those skipped as duplicates, with its page
	// (see settleDuplicates).
	dupBest map[string]duplicate
}

// New checks cfg and returns a crawler that stores into st. Bad seeds or
// allowed hosts give an EINVALID *missionsearch.Error.
func New(cfg Config, st Store) (*Crawler, error) {
	if st == nil {
		return nil, missionsearch.Errorf(missionsearch.EINVALID, "crawler: no store")
	}
	if len(cfg.Seeds) == 0 {
		return nil, missionsearch.Errorf(missionsearch.EINVALID, "crawler: no seed URL")
	}
	cfg = withDefaults(cfg)
	c := &Crawler{
		cfg:          cfg,
		store:        st,
		log:          cfg.Logger,
		seedHosts:    map[string]bool{},
		trusted:      map[string]bool{},
		hostsExact:   map[string]bool{},
		hostsAny:     map[string]bool{},
		hosts:        map[string]*host{},
		updated:      map[string]bool{},
		gone:         map[string]bool{},
		runHash:      map[string]string{},
		now:          time.Now,
		listed:       map[string]time.Time{},
		sitemapHosts: map[string]bool{},
		unlisted:     map[string]bool{},
		sitemapBad:   map[string]bool{},
		fetched:      map[string]bool{},
		pdfJobs:      make(chan struct{}, maxPDFJobs),
		dupBest:      map[string]duplicate{},

		unavailable: map[string]string{},
		cuts:        map[[2]string]int{},
	}
	c.hashes, _ = st.(HashFinder)
	for _, s := range cfg.Seeds {
		n, err := extract.NormalizeURL(strings.TrimSpace(s), nil)
		if err != nil {
			return nil, missionsearch.Errorf(missionsearch.EINVALID, "crawler: seed %q: %v", s, err)
		}
		u, err := url.Parse(n)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, missionsearch.Errorf(missionsearch.EINVALID, "crawler: seed %q: not an absolute http(s) URL", s)
		}
		c.seeds = append(c.seeds, u)
		c.seedHosts[u.Host] = true
		c.trusted[u.Hostname()] = true
	}
	for _, h := range cfg.AllowedHosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" || strings.ContainsAny(h, "/?#@ ") {
			return nil, missionsearch.Errorf(missionsearch.EINVALID, "crawler: allowed host %q: want host or host:port", h)
		}
		if _, _, err := splitHostPort(h); err == nil {
			c.hostsExact[h] = true
		} else {
			c.hostsAny[h] = true
		}
	}
	c.client = c.newClient()
	c.learn = newLearner(cfg.BoilerplatePages)
	c.front = newFrontier(cfg.MaxPages, cfg.MaxPerPattern)
	c.traps = newTraps(cfg.TrapPages)
	return c, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.MaxDepth == 0 {
		cfg.MaxDepth = DefaultMaxDepth
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.MaxDocumentBytes <= 0 {
		cfg.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	} else if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = DefaultRetryBackoff
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.MaxPerPattern == 0 {
		cfg.MaxPerPattern = DefaultMaxPerPattern
	}
	if cfg.MaxLinksPerPage == 0 {
		cfg.MaxLinksPerPage = DefaultMaxLinksPerPage
	}
	if cfg.TrapPages == 0 {
		cfg.TrapPages = DefaultTrapPages
	}
	if cfg.BoilerplatePages == 0 {
		cfg.BoilerplatePages = DefaultBoilerplatePages
	}
	if cfg.Delay < 0 {
		cfg.Delay = 0
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// Run crawls until the frontier is empty, MaxPages is reached or ctx is
// done, and returns the totals. When ctx is cancelled the workers stop
// promptly, the pages already fetched stay stored, and Run returns
// ctx.Err() with the totals so far. A failing store write stops the crawl
// and is returned. Run may be called only once.
func (c *Crawler) Run(ctx context.Context) (Stats, error) {
	if !c.started.CompareAndSwap(false, true) {
		return Stats{}, errors.New("crawler: Run called twice")
	}
	c.begin = time.Now()
	c.ranAt = c.now()
	// Three phases: the seed hosts' robots.txt and sitemaps; then the
	// pages, once every sitemap is read (so that a page reached by a link
	// is judged with its sitemap lastmod); then the sweep.
	c.front.after = []task{{kind: taskPages}, {kind: taskSweep}}
	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	c.abort = cancel

	for _, u := range c.seeds {
		if c.front.claim("host " + u.Host) {
			c.front.push(task{kind: taskHost, url: u.Scheme + "://" + u.Host + "/"}, false)
		}
	}
	c.loadTemplate(ctx)
	stopWatch := context.AfterFunc(ctx, c.front.close)
	defer stopWatch()

	progressDone := make(chan struct{})
	progressStop := make(chan struct{})
	go func() {
		defer close(progressDone)
		if c.cfg.Progress == nil {
			<-progressStop
			return
		}
		tk := time.NewTicker(progressEvery)
		defer tk.Stop()
		for {
			select {
			case <-progressStop:
				return
			case <-tk.C:
				c.cfg.Progress(c.snapshot())
			}
		}
	}()

	var wg sync.WaitGroup
	for range c.cfg.Concurrency {
		wg.Go(func() {
			for {
				t, ok := c.front.next()
				if !ok {
					return
				}
				c.handle(ctx, t)
				c.front.done()
			}
		})
	}
	wg.Wait()

	// Pages still kept for boilerplate learning are stored now, even
	// after a cancel: they were fetched and must not be lost.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	if c.flushLearning(fctx) && parent.Err() == nil && context.Cause(ctx) == nil && !c.front.exhausted() {
		// A site of fewer pages than the sample, crawled to its end: what
		// was learned from all of them is its boilerplate.
		c.keepTemplate(fctx)
	}
	c.settleDuplicates(fctx)
	if parent.Err() == nil && context.Cause(ctx) == nil {
		c.relabel(fctx)
	}
	c.resolveSite(fctx)
	fcancel()

	close(progressStop)
	<-progressDone
	stats := c.snapshot()
	stats.Cuts = c.reportCuts()
	if c.cfg.Progress != nil {
		c.cfg.Progress(stats)
	}
	c.log.Info("crawl done", "fetched", stats.Fetched, "stored", stats.Stored, "unchanged", stats.Unchanged, "fresh", stats.Fresh,
		"skipped", stats.Skipped, "errors", stats.Errors, "gone", stats.Gone,
		"pattern_cut", stats.PatternCut, "links_cut", stats.LinksCut, "trap_cut", stats.TrapCut, "hosts_unavailable", stats.HostsUnavailable, "elapsed", stats.Elapsed)
	if err := parent.Err(); err != nil {
		return stats, err
	}
	if err := context.Cause(ctx); err != nil {
		return stats, err
	}
	return stats, c.unavailableErr()
}

// ErrHostsUnavailable is wrapped by the error Run returns, after a crawl
// that otherwise ran to its end, when hosts were left uncrawled because
// their robots.txt was unavailable (429, 5xx, network error: RFC 9309's
// "do not crawl now"). The pages of the other hosts are stored as usual.
var ErrHostsUnavailable = errors.New("robots.txt unavailable: hosts not crawled")

// unavailableErr returns the error of the hosts whose robots.txt was
// unavailable, or nil.
func (c *Crawler) unavailableErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.unavailable) == 0 {
		return nil
	}
	var parts []string
	for h, why := range c.unavailable {
		parts = append(parts, h+" ("+why+")")
	}
	slices.Sort(parts)
	return fmt.Errorf("crawler: %w: %s", ErrHostsUnavailable, strings.Join(parts, "; "))
}

// cut records that rule left n URLs of key out of the crawl. The first cut
// of a key is logged at Info; reportCuts logs the totals.
func (c *Crawler) cut(rule, key string, n int) {
	c.mu.Lock()
	k := [2]string{rule, key}
	first := c.cuts[k] == 0
	c.cuts[k] += n
	switch rule {
	case cutPattern:
		c.stats.PatternCut += n
	case cutLinks:
		c.stats.LinksCut += n
		c.stats.LinksCutPages++
	case cutTrap:
		c.stats.TrapCut += n
	case cutShape:
		c.stats.ShapeCut += n
	}
	c.mu.Unlock()
	if first && rule == cutPattern {
		c.log.Info("crawl budget: dropping further URLs of this pattern", "rule", rule, "pattern", key, "limit", c.cfg.MaxPerPattern)
	}
}

// reportCuts logs one Warn line per cut rule and key with the number of
// URLs dropped, and returns them, the largest first.
func (c *Crawler) reportCuts() []Cut {
	c.mu.Lock()
	var out []Cut
	for k, n := range c.cuts {
		out = append(out, Cut{Rule: k[0], Key: k[1], Dropped: n})
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b Cut) int {
		if a.Dropped != b.Dropped {
			return b.Dropped - a.Dropped
		}
		return strings.Compare(a.Rule+" "+a.Key, b.Rule+" "+b.Key)
	})
	for _, ct := range out {
		switch ct.Rule {
		case cutPattern:
			c.log.Warn("crawl budget cut URLs of a pattern", "rule", ct.Rule, "pattern", ct.Key, "dropped", ct.Dropped, "limit", c.cfg.MaxPerPattern)
		case cutLinks:
			c.log.Warn("crawl budget cut the links of a page", "rule", ct.Rule, "url", ct.Key, "dropped", ct.Dropped, "limit", c.cfg.MaxLinksPerPage)
		case cutTrap:
			c.log.Warn("trap: URL family no longer expanded", "rule", ct.Rule, "family", ct.Key, "dropped", ct.Dropped)
		case cutShape:
			c.log.Warn("trap: URLs of a trap's shape not crawled", "rule", ct.Rule, "reason", ct.Key, "dropped", ct.Dropped)
		}
	}
	return out
}

// Changed returns the IDs of the pages stored (new or changed) and of the
// pages found gone during Run, each sorted, for the incremental index
// update. A page is in at most one list: the one of its last outcome.
func (c *Crawler) Changed() (updated, gone []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.updated {
		updated = append(updated, id)
	}
	for id := range c.gone {
		gone = append(gone, id)
	}
	slices.Sort(updated)
	slices.Sort(gone)
	return updated, gone
}

// snapshot returns the totals now.
func (c *Crawler) snapshot() Stats {
	c.mu.Lock()
	s := c.stats
	s.DocumentsSkipped = maps.Clone(s.DocumentsSkipped)
	c.mu.Unlock()
	s.Queued = c.front.len()
	if !c.begin.IsZero() {
		s.Elapsed = time.Since(c.begin)
	}
	return s
}

// count applies f to the totals under the lock.
func (c *Crawler) count(f func(s *Stats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

func (c *Crawler) markUpdated(id string) {
	c.mu.Lock()
	c.stats.Stored++
	c.updated[id] = true
	delete(c.gone, id)
	c.mu.Unlock()
}

func (c *Crawler) markGone(id string) {
	c.mu.Lock()
	c.stats.Gone++
	c.gone[id] = true
	delete(c.updated, id)
	c.mu.Unlock()
}

// fatal stops the crawl because of err (a store failure).
func (c *Crawler) fatal(err error) {
	c.log.Error("crawler: stopping", "err", err)
	c.abort(err)
}

// handle runs one task, recovering from a panic so that one hostile page
// cannot end the crawl.
func (c *Crawler) handle(ctx context.Context, t task) {
	defer func() {
		if r := recover(); r != nil {
			c.count(func(s *Stats) { s.Errors++ })
			c.log.Error("crawler: panic while handling URL", "url", t.url, "panic", fmt.Sprint(r))
		}
	}()
	if ctx.Err() != nil {
		return
	}
	switch t.kind {
	case taskHost:
		c.initHost(ctx, t)
	case taskSitemap:
		c.crawlSitemap(ctx, t)
	case taskPages:
		c.queuePages(ctx)
	case taskSweep:
		c.sweep(ctx)
	default:
		c.crawlPage(ctx, t)
	}
}
