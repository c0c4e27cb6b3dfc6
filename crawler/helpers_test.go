package crawler_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/store"
)

// The store satisfies the crawler's interfaces.
var (
	_ crawler.Store      = (*store.Store)(nil)
	_ crawler.HashFinder = (*store.Store)(nil)
)

// openStore opens a fresh crawl store in a temporary directory.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// site is a test web site: a mux that counts hits per path.
type site struct {
	*http.ServeMux
	srv *httptest.Server

	mu   sync.Mutex
	hits map[string]int
	log  []hit
}

type hit struct {
	path string
	at   time.Time
	req  *http.Request
}

func newSite(t testing.TB) *site {
	t.Helper()
	s := &site{ServeMux: http.NewServeMux(), hits: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.log = append(s.log, hit{r.URL.Path, time.Now(), r.Clone(context.Background())})
		s.mu.Unlock()
		s.ServeMux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) URL(path string) string { return s.srv.URL + path }

func (s *site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// requests returns the requests received for path, in order.
func (s *site) requests(path string) []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hit
	for _, h := range s.log {
		if h.path == path {
			out = append(out, h)
		}
	}
	return out
}

// html registers a page at path whose body lists links.
func (s *site) html(path, title, body string, links ...string) {
	s.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page(title, body, links...))
	})
}

// page renders a simple article page.
func page(title, body string, links ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>%s</title></head><body>\n", title)
	b.WriteString("<nav><ul><li><a href=\"/\">Accueil</a></li></ul></nav>\n<main><article>\n")
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p>%s</p>\n", title, body)
	for _, l := range links {
		fmt.Fprintf(&b, "<p><a href=\"%s\">Lien vers %s</a></p>\n", l, l)
	}
	b.WriteString("</article></main>\n<footer><p>Pied de page du site de test.</p></footer></body></html>\n")
	return b.String()
}

// config returns a fast test configuration seeded at s's root.
func (s *site) config(paths ...string) crawler.Config {
	if len(paths) == 0 {
		paths = []string{"/"}
	}
	var seeds []string
	for _, p := range paths {
		seeds = append(seeds, s.URL(p))
	}
	return crawler.Config{
		Seeds:        seeds,
		Concurrency:  4,
		Timeout:      5 * time.Second,
		RetryBackoff: 10 * time.Millisecond,
	}
}

// crawl runs one crawl and fails the test on error.
func crawl(t testing.TB, cfg crawler.Config, st crawler.Store) (crawler.Stats, *crawler.Crawler) {
	t.Helper()
	c, err := crawler.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stats, err := c.Run(ctx)
	if err != nil {
		t.Fatalf("Run: %v (stats %+v)", err, stats)
	}
	return stats, c
}

// crawlAt runs one crawl whose schedule reads the clock as at, and fails
// the test on error.
func crawlAt(t testing.TB, cfg crawler.Config, st crawler.Store, at time.Time) (crawler.Stats, *crawler.Crawler) {
	t.Helper()
	c, err := crawler.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	crawler.SetClock(c, func() time.Time { return at })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stats, err := c.Run(ctx)
	if err != nil {
		t.Fatalf("Run: %v (stats %+v)", err, stats)
	}
	return stats, c
}

// nextDay is a clock one nightly crawl later: every page fetched once and
// not changed since is due (FirstInterval less its slack).
func nextDay() time.Time { return time.Now().Add(22 * time.Hour) }

// refetched returns the request URIs (path and query) requested more
// than once, but robots.txt, /sitemap.xml and those of always (the seeds).
func (s *site) refetched(always ...string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	always = append(always, "/robots.txt", "/sitemap.xml")
	n := map[string]int{}
	var out []string
	for _, h := range s.log {
		u := h.req.URL.RequestURI()
		if n[u]++; n[u] == 2 && !slices.Contains(always, u) {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// pageAt returns the page stored under url, or nil.
func pageAt(t testing.TB, st *store.Store, url string) *missionsearch.Page {
	t.Helper()
	p, err := st.Page(context.Background(), missionsearch.PageID(url))
	if missionsearch.ErrorCode(err) == missionsearch.ENOTFOUND {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// state returns the state stored for url.
func state(t testing.TB, st *store.Store, url string) (missionsearch.CrawlState, bool) {
	t.Helper()
	s, ok, err := st.State(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return s, ok
}

// count returns the number of live pages.
func count(t testing.TB, st *store.Store) int {
	t.Helper()
	n, err := st.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// testLogger logs through t.Log at level Info and above.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
