package crawler_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
)

// newsSite is a mission site of 211 pages that changes between crawls: a
// home page (the seed) linking to ten listings and to the latest
// article, ten listings of twenty articles each, and a sitemap of the
// articles with their lastmod. Every page has an ETag and answers 304 to
// it.
type newsSite struct {
	*site
	mu       sync.Mutex
	articles map[int]string    // article number → body ("" deleted)
	lastmod  map[int]time.Time // sitemap lastmod of each article
	latest   int
}

func newNewsSite(t *testing.T, at time.Time) *newsSite {
	ns := &newsSite{site: newSite(t), articles: map[int]string{}, lastmod: map[int]time.Time{}, latest: 200}
	for i := 1; i <= 200; i++ {
		ns.articles[i] = fmt.Sprintf("Compte rendu numéro %d de la mission : atelier, partenaires et suites données à la rencontre %d.", i, i)
		ns.lastmod[i] = at.Add(-time.Duration(i) * time.Hour)
	}
	ns.HandleFunc("/", ns.serve)
	return ns
}

// serve answers every page from the current state of the site.
func (ns *newsSite) serve(w http.ResponseWriter, r *http.Request) {
	ns.mu.Lock()
	var body string
	switch p := r.URL.Path; {
	case p == "/sitemap.xml":
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := 1; i <= ns.latest; i++ {
			if ns.articles[i] != "" {
				fmt.Fprintf(&b, "<url><loc>%s/article/%d</loc><lastmod>%s</lastmod></url>", ns.srv.URL, i, ns.lastmod[i].Format(time.RFC3339))
			}
		}
		b.WriteString("</urlset>")
		ns.mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, b.String())
		return
	case p == "/":
		links := []string{}
		for k := 1; k <= 10; k++ {
			links = append(links, fmt.Sprintf("/liste/%d", k))
		}
		links = append(links, fmt.Sprintf("/article/%d", ns.latest))
		body = page("Accueil", "Les dernières nouvelles de la mission.", links...)
	case strings.HasPrefix(p, "/liste/"):
		var k int
		fmt.Sscanf(p, "/liste/%d", &k)
		var links []string
		for i := 20*(k-1) + 1; i <= 20*k; i++ {
			if ns.articles[i] != "" {
				links = append(links, fmt.Sprintf("/article/%d", i))
			}
		}
		body = page(fmt.Sprintf("Actualités, page %d", k), "La liste des comptes rendus de la mission.", links...)
	case strings.HasPrefix(p, "/article/"):
		var i int
		fmt.Sscanf(p, "/article/%d", &i)
		if ns.articles[i] == "" {
			ns.mu.Unlock()
			http.NotFound(w, r)
			return
		}
		body = page(fmt.Sprintf("Compte rendu %d", i), ns.articles[i])
	default:
		ns.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	ns.mu.Unlock()
	tag := fmt.Sprintf(`"%x"`, blockHashOf(body))
	w.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, body)
}

// blockHashOf is a cheap content hash for ETags.
func blockHashOf(s string) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// since returns the request URIs received from the n-th request on, in
// order.
func (s *site) since(n int) []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.log[n:]...)
}

func (s *site) requestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

func uris(hs []hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.req.URL.RequestURI())
	}
	slices.Sort(out)
	return out
}

// TestRecrawlFetchesOnlyDue crawls a 211-page site night after night: a
// crawl an hour after the first fetches only robots.txt, the sitemap and
// the seed; the next night every page is due and answers 304, without
// the politeness delay a full page pays; the night after, only what is
// due is fetched: the new article the home page links to, the article
// whose sitemap lastmod moved, and the deleted article that left the
// sitemap (now gone from the index), although its listing, not due, still
// links to it in the store.
func TestRecrawlFetchesOnlyDue(t *testing.T) {
	t0 := time.Now()
	ns := newNewsSite(t, t0)
	st := openStore(t)
	cfg := ns.config()

	stats, _ := crawlAt(t, cfg, st, t0)
	if stats.Stored != 211 {
		t.Fatalf("first crawl stored %d pages, want 211: %+v", stats.Stored, stats)
	}

	// An hour later: nothing is due.
	n := ns.requestCount()
	stats, _ = crawlAt(t, cfg, st, t0.Add(time.Hour))
	if got, want := uris(ns.since(n)), []string{"/", "/robots.txt", "/sitemap.xml"}; !slices.Equal(got, want) {
		t.Errorf("a crawl an hour later requested %d URLs %v, want only %v", len(got), got[:min(len(got), 10)], want)
	}
	if stats.Fresh != 210 {
		t.Errorf("an hour later: %d fresh, want 210 (%+v)", stats.Fresh, stats)
	}

	// The next night: every page is due, asked for conditionally, 304,
	// with a politeness delay that 210 requests paying it would take
	// 105 s to honour.
	n = ns.requestCount()
	const delay = 500 * time.Millisecond
	cfg.Delay = delay
	stats, _ = crawlAt(t, cfg, st, t0.Add(22*time.Hour))
	cfg.Delay = 0
	night := ns.since(n)
	cond := 0
	for _, h := range night {
		if h.req.Header.Get("If-None-Match") != "" {
			cond++
		}
	}
	if cond != 210 || stats.Unchanged != 211 || stats.Stored != 0 {
		t.Errorf("next night: %d conditional requests, want 210 (every page but the seed); %+v", cond, stats)
	}
	// 304s pay no delay: the seed, robots.txt and the sitemap do (1.5 s).
	if span := night[len(night)-1].at.Sub(night[0].at); span > 210*delay/2 {
		t.Errorf("next night: 210 answers 304 took %v: they paid the politeness delay", span)
	}
	t.Logf("next night: %d requests in %v (%d paying the delay would take %v)", len(night), night[len(night)-1].at.Sub(night[0].at), len(night), time.Duration(len(night))*delay)

	// The night after: a new article, a changed one, a deleted one.
	ns.mu.Lock()
	ns.latest = 201
	ns.articles[201] = "Le nouveau compte rendu de la mission, publié ce jour avec ses partenaires."
	ns.lastmod[201] = t0.Add(45 * time.Hour)
	ns.articles[7] = "Compte rendu numéro 7 mis à jour : la rencontre a été reportée au mois suivant."
	ns.lastmod[7] = t0.Add(40 * time.Hour)
	ns.articles[5] = ""
	ns.mu.Unlock()
	n = ns.requestCount()
	stats, c := crawlAt(t, cfg, st, t0.Add(46*time.Hour))
	want := []string{"/", "/article/201", "/article/5", "/article/7", "/robots.txt", "/sitemap.xml"}
	if got := uris(ns.since(n)); !slices.Equal(got, want) {
		t.Errorf("the night after requested %v, want %v", got, want)
	}
	if p := pageAt(t, st, ns.URL("/article/201")); p == nil {
		t.Errorf("the new article was not stored")
	}
	if p := pageAt(t, st, ns.URL("/article/7")); p == nil || !strings.Contains(p.Body, "reportée") {
		t.Errorf("the changed article was not updated: %+v", p)
	}
	if !goneState(t, st, ns.URL("/article/5")) {
		t.Errorf("the deleted article that left the sitemap is still live")
	}
	if updated, gone := c.Changed(); len(updated) != 3 || len(gone) != 1 {
		t.Errorf("Changed: %d updated, %d gone; want 3 (/, the new and the changed article) and 1", len(updated), len(gone))
	}
}

// TestScheduleAdapts: over 15 nightly crawls, a page that changes every
// night is fetched every night, and a page that never changes is checked
// less and less often, but at least every MaxAge (7 days): after 1, 2, 4
// and 7 nights.
func TestScheduleAdapts(t *testing.T) {
	s := newSite(t)
	var mu sync.Mutex
	night := 0
	s.HandleFunc("/news", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		k := night
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Les nouvelles du jour", fmt.Sprintf("Les nouvelles de la nuit %d : la mission publie chaque jour.", k)))
	})
	s.html("/static", "Qui sommes-nous", "La mission et ses bureaux, une page qui ne change pas.")
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/news", "/static")
	st := openStore(t)
	cfg := s.config()
	cfg.BoilerplatePages = -1
	t0 := time.Now()
	var newsNights, staticNights []int
	for k := range 15 {
		mu.Lock()
		night = k
		mu.Unlock()
		nNews, nStatic := s.Hits("/news"), s.Hits("/static")
		crawlAt(t, cfg, st, t0.Add(time.Duration(k)*24*time.Hour))
		if s.Hits("/news") > nNews {
			newsNights = append(newsNights, k)
		}
		if s.Hits("/static") > nStatic {
			staticNights = append(staticNights, k)
		}
	}
	if len(newsNights) != 15 {
		t.Errorf("the page changing every night was fetched on nights %v, want every night", newsNights)
	}
	if want := []int{0, 1, 3, 7, 14}; !slices.Equal(staticNights, want) {
		t.Errorf("the page that never changes was fetched on nights %v, want %v", staticNights, want)
	}
	sn, _ := state(t, st, s.URL("/news"))
	ss, _ := state(t, st, s.URL("/static"))
	if sn.Interval != crawler.MinInterval || ss.Interval != crawler.DefaultMaxAge {
		t.Errorf("intervals: changing page %v, want %v; unchanged page %v, want %v", sn.Interval, crawler.MinInterval, ss.Interval, crawler.DefaultMaxAge)
	}
}

// TestRedirectScheduled: a redirect is on the schedule like a page: a
// crawl an hour later neither asks for it nor for its target, and still
// reaches the target through it; the next night both are checked again.
func TestRedirectScheduled(t *testing.T) {
	s := newSite(t)
	s.HandleFunc("/node/12", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/actualites/atelier", http.StatusMovedPermanently)
	})
	s.html("/actualites/atelier", "Atelier", "Un atelier de la mission avec ses partenaires.", "/suite")
	s.html("/suite", "La suite", "La suite de l'atelier, que seul l'article cite.")
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/node/12")
	st := openStore(t)
	cfg := s.config()
	cfg.BoilerplatePages = -1
	t0 := time.Now()
	crawlAt(t, cfg, st, t0)
	stats, _ := crawlAt(t, cfg, st, t0.Add(time.Hour))
	if s.Hits("/node/12") != 1 || s.Hits("/actualites/atelier") != 1 || s.Hits("/suite") != 1 {
		t.Errorf("an hour later: the redirect fetched %d times, its target %d, the page it links %d; want each once",
			s.Hits("/node/12"), s.Hits("/actualites/atelier"), s.Hits("/suite"))
	}
	if stats.Fresh != 3 {
		t.Errorf("an hour later: %d fresh, want 3 (the redirect, its target, the page it links): %+v", stats.Fresh, stats)
	}
	crawlAt(t, cfg, st, t0.Add(22*time.Hour))
	if s.Hits("/node/12") != 2 || s.Hits("/actualites/atelier") != 2 {
		t.Errorf("the next night: the redirect fetched %d times, its target %d; want twice", s.Hits("/node/12"), s.Hits("/actualites/atelier"))
	}
}

// TestEmptyPagesNotIndexed: pages with fewer than four words of main
// content (an empty calendar day) are stored as listings, never results,
// their links are still followed, and a stored article that became empty
// (its text removed) becomes a listing too.
func TestEmptyPagesNotIndexed(t *testing.T) {
	s := newSite(t)
	var emptied atomic.Bool
	s.html("/agenda/2020/01/12", "Agenda du 12 janvier 2020", "Aucun événement.", "/agenda/2020/01/13")
	s.html("/agenda/2020/01/13", "Agenda du 13 janvier 2020", "Atelier sur la migration régulière avec les partenaires de la mission.")
	s.HandleFunc("/actualites/eau", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if emptied.Load() {
			fmt.Fprint(w, page("L'eau potable", ""))
			return
		}
		fmt.Fprint(w, page("L'eau potable", "L'accès à l'eau potable dans les communes rurales du pays."))
	})
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/agenda/2020/01/12", "/actualites/eau")
	st := openStore(t)
	cfg := s.config()
	cfg.BoilerplatePages = -1
	stats, _ := crawl(t, cfg, st)
	if p := pageAt(t, st, s.URL("/agenda/2020/01/12")); p == nil || p.Type != missionsearch.TypeListing || stats.Empty != 1 {
		t.Errorf("the empty calendar day: %+v, want a listing (%d empty): %+v", p, stats.Empty, stats)
	}
	if pageAt(t, st, s.URL("/agenda/2020/01/13")) == nil || pageAt(t, st, s.URL("/actualites/eau")) == nil {
		t.Errorf("a page with content was not stored, or the empty page's link not followed: %+v", stats)
	}
	emptied.Store(true)
	stats, _ = crawlAt(t, cfg, st, nextDay())
	if p := pageAt(t, st, s.URL("/actualites/eau")); p == nil || p.Type != missionsearch.TypeListing || stats.Empty == 0 {
		t.Errorf("the article whose text was removed: %+v, want a listing: %+v", p, stats)
	}
}

// TestSiteRelabel: a store crawled as one site, then as the site "maroc"
// of a network an hour later, names every page it reaches "maroc", those
// not fetched again included, and lists them as updated for the index.
func TestSiteRelabel(t *testing.T) {
	t0 := time.Now()
	ns := newNewsSite(t, t0)
	st := openStore(t)
	cfg := ns.config()
	crawlAt(t, cfg, st, t0)
	cfg.Site = "maroc"
	stats, c := crawlAt(t, cfg, st, t0.Add(time.Hour))
	if stats.Fresh < 150 { // the site's template is learned anew: 30 pages or so fetched
		t.Fatalf("an hour later %d pages were not due, want most: %+v", stats.Fresh, stats)
	}
	n, other := 0, 0
	if err := st.Pages(t.Context(), func(p *missionsearch.Page) error {
		n++
		if p.Site != "maroc" {
			other++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if other != 0 {
		t.Errorf("%d of the %d pages are not named after the site", other, n)
	}
	if updated, _ := c.Changed(); len(updated) != n {
		t.Errorf("%d pages listed as updated, want the %d renamed", len(updated), n)
	}
}

// TestSweepInScope: pages that left the sitemap but are now out of the
// crawl's scope (--exclude) are not checked by the sweep.
func TestSweepInScope(t *testing.T) {
	t0 := time.Now()
	ns := newNewsSite(t, t0)
	st := openStore(t)
	cfg := ns.config()
	crawlAt(t, cfg, st, t0)
	ns.mu.Lock()
	for i := 10; i < 20; i++ {
		ns.articles[i] = "" // gone from the site and its sitemap
	}
	ns.mu.Unlock()
	cfg.Exclude = []*regexp.Regexp{regexp.MustCompile(`/article/1\d$`)}
	n := ns.requestCount()
	crawlAt(t, cfg, st, t0.Add(time.Hour))
	for _, h := range ns.since(n) {
		if strings.HasPrefix(h.path, "/article/1") && len(h.path) == len("/article/10") {
			t.Errorf("the sweep fetched %s, out of the crawl's scope", h.path)
		}
	}
}

// TestConditionalRequestsPolite: conditional requests that the server
// answers in full (its ETags change every time) come no faster than the
// delay, whatever the crawl's concurrency.
func TestConditionalRequestsPolite(t *testing.T) {
	s := newSite(t)
	var mu sync.Mutex
	version := 0
	var links []string
	for i := range 12 {
		p := fmt.Sprintf("/p%d", i)
		links = append(links, p)
		s.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			v := version
			mu.Unlock()
			w.Header().Set("ETag", fmt.Sprintf(`"v%d"`, v))
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page("Page "+p, fmt.Sprintf("La page %s de la mission, version %d de son texte.", p, v)))
		})
	}
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", links...)
	st := openStore(t)
	cfg := s.config()
	cfg.BoilerplatePages = -1
	t0 := time.Now()
	crawlAt(t, cfg, st, t0)
	mu.Lock()
	version = 1
	mu.Unlock()
	cfg.Delay = 100 * time.Millisecond
	n := len(s.since(0))
	crawlAt(t, cfg, st, t0.Add(22*time.Hour))
	night := s.since(n)
	// Requests are seen when their handler runs, which a loaded machine
	// may delay for one request and not the next: a gap or two can look
	// short. Conditional requests sent in bursts (the bug this catches:
	// four at once, whatever the delay) make most gaps nearly zero.
	var short []string
	for i := 1; i < len(night); i++ {
		if d := night[i].at.Sub(night[i-1].at); d < 50*time.Millisecond {
			short = append(short, fmt.Sprintf("%s→%s %v", night[i-1].path, night[i].path, d.Round(time.Microsecond)))
		}
	}
	if len(short) > 2 {
		t.Errorf("%d of %d gaps between requests under half the 100ms delay: %v", len(short), len(night)-1, short)
	}
}
