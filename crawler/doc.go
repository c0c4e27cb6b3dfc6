// Package crawler fetches a mission website and turns its HTML pages into
// missionsearch.Page records in a crawl store.
//
// It owns everything about fetching: robots.txt (Disallow/Allow for its
// user agent, Crawl-delay, Sitemap lines; RFC 9309: the first 500 KiB are
// applied, a 4xx means no rules, and a 429, 5xx or network error leaves
// the host uncrawled in this run and makes Run fail), sitemaps and sitemap indexes
// (gzip too), scope (the seed hosts plus Config.AllowedHosts, Include and
// Exclude regexps), URL normalisation (extract.NormalizeURL), canonical
// URLs, redirects followed by hand, per-host politeness, retries with
// exponential backoff, 429 Retry-After, conditional GET (ETag and
// Last-Modified), body caps, Content-Encoding gzip and deflate (any other
// coding is refused, never stored), trap defences (depth, query shape, calendar
// parameters, pages per URL pattern), duplicate content, and a refusal to
// connect to private or loopback addresses other than the seed hosts'.
// Turning one HTML document into a Page is crawler/extract's job.
//
// Content found under two URLs (the same extracted body) is stored once:
// under the URL with fewer query parameters (/fr/news rather than
// /fr/news?page=0), whichever the crawl met first, else under the first
// stored. At the end of a crawl a page held by a URL with more parameters
// moves to the preferred one, and the other leaves the index.
//
// # Boilerplate learning
//
// Menus, footers and sidebars that extract's structural rules miss are
// learned from the site itself, in two phases. The crawler keeps the raw
// HTML of the first Config.BoilerplatePages HTML pages (30 by default,
// at most 32 MiB in all) in memory while following their links. When it
// has them (or when the crawl ends earlier) it counts the distinct text
// blocks of their main content in the whole sample, counted from 5 pages,
// and in the pages of each language, counted from 10 pages. It learns as
// boilerplate every block found on at least half of the pages of one of
// these groups, and, for a block of prose (8 words or more), on at least
// three quarters of them. It then extracts and stores the kept pages, and
// extracts every later page, with that set as extract.Options.Boilerplate.
// Storing the first pages is thus delayed until the set is learned; every
// later page is stored as soon as it is fetched. The set is never changed
// afterwards, so every page of one crawl is extracted with the same rules.
// Re-extracting every page at the end of the crawl was rejected: it would
// need all the HTML at once, or a second pass over the network.
//
// Which pages make the sample depends on fetch timing (whether the home
// page or the sitemap answers first, concurrency), so the rule keeps a wide
// margin between two kinds of repeated blocks. A menu or footer that
// extract's rules miss is on (nearly) every page of its language. The
// teaser of an article is on the article, as its lead paragraph, and on
// the few listings that show it: a sample heavy with listings, or holding
// a handful of pages of one language, can put it on a third or more of a
// group, but a teaser is prose and no plausible sample puts it on three
// quarters of a group of 10 pages. Were it learned, two crawls would
// extract the site differently and the article would lose its lead. The
// price: a language with fewer than 10 pages in the sample has its own
// menus learned only when they are on half of the whole sample. The
// counts depend on the set of pages, never on their order.
//
// # Recrawls
//
// Every state stored for an HTML page answering 200 records the page's
// links (CrawlState.Links: the normalised links in scope and not traps,
// none when the page says nofollow). A URL with a stored CrawlState that
// has them is fetched, when it is due (see the schedule in schedule.go:
// an adaptive interval per URL, sitemap lastmod, the sweep of pages that
// left the sitemap), with If-None-Match and If-Modified-Since; a URL not
// due is not fetched (Stats.Fresh) and its stored links are queued as
// after a 304; a 304
// counts as Unchanged, refreshes the state, and queues the stored links
// exactly as the links of a fetched page (one level deeper, same scope,
// trap, depth and per-pattern rules). A URL whose state has no links (nil:
// stored before they were recorded) is fetched without validators, once.
// A 200 whose extracted body has the content hash already stored for the
// URL also counts as Unchanged. A 404 or 410, a redirect, or a noindex
// page marks a previously stored page gone. Seeds are always fetched
// without validators, so that a recrawl discovers new links from them
// even when the server supports conditional GET, and so are the pages
// fetched while the boilerplate is learned: a 304 has no HTML to learn
// from, and learning from the pages without validators alone (listings,
// whose teasers would pass for boilerplate) would extract the site
// differently from the crawl that stored it. The learned boilerplate is
// kept by a Store that is a TemplateKeeper and reused until it is MaxAge
// old, so most crawls learn nothing and fetch only what is due.
//
// A redirect is recorded as the CrawlState of its source URL (Status 301,
// 302, 303, 307 or 308, and the normalised target in Location) and its
// target is crawled like a link of the same depth, within scope only, for
// at most 10 hops; a loop ends at the first URL seen twice.
//
// Every page is stored with Store.PutPage as soon as it is extracted (see
// above for the first ones), so a cancelled or killed crawl keeps what it
// fetched, and the next one resumes: pages already stored are not due,
// so they are not fetched again, and their stored links lead it to the
// pages the interrupted crawl had not reached.
//
// crawler imports only the root package, crawler/extract, the robots.txt
// parser and the standard library; it never imports store, index, search
// or server. *store.Store satisfies Store.
package crawler
