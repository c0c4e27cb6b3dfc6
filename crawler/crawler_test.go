package crawler_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRobotsSitemapsCrawlDelay: our own robots.txt group applies (not the
// * one), Allow beats a shorter Disallow, Crawl-delay spaces requests, and
// sitemap indexes and gzip sitemaps add URLs no page links to.
func TestRobotsSitemapsCrawlDelay(t *testing.T) {
	s := newSite(t)
	s.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nDisallow: /\n\nUser-agent: missionsearch\nDisallow: /private/\nAllow: /private/ok\nCrawl-delay: 0.15\n\nSitemap: %s\n", s.URL("/sitemap_index.xml"))
	})
	s.HandleFunc("/sitemap_index.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>%s</loc></sitemap>
<sitemap><loc>https://elsewhere.example/sitemap.xml</loc></sitemap>
</sitemapindex>`, s.URL("/sitemap-pages.xml.gz"))
	})
	s.HandleFunc("/sitemap-pages.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(gz(t, fmt.Sprintf(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s</loc></url><url><loc>%s</loc></url></urlset>`,
			s.URL("/orphan"), s.URL("/private/hidden"))))
	})
	s.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<urlset><url><loc>%s</loc></url></urlset>`, s.URL("/from-default-sitemap"))
	})
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/a", "/private/x", "/private/ok")
	s.html("/a", "Page A", "Atelier de formation des partenaires à Rabat.")
	s.html("/private/x", "Privé", "Ne doit pas être lu.")
	s.html("/private/hidden", "Privé", "Ne doit pas être lu non plus.")
	s.html("/private/ok", "Autorisé", "Cette page privée est autorisée explicitement.")
	s.html("/orphan", "Orpheline", "Page listée seulement dans le sitemap compressé.")
	s.html("/from-default-sitemap", "Sitemap par défaut", "Page listée dans /sitemap.xml.")

	st := openStore(t)
	cfg := s.config()
	cfg.Logger = testLogger(t)
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	for _, p := range []string{"/private/x", "/private/hidden"} {
		if n := s.Hits(p); n != 0 {
			t.Errorf("%s: disallowed but fetched %d times", p, n)
		}
	}
	for _, p := range []string{"/", "/a", "/private/ok", "/orphan", "/from-default-sitemap"} {
		if pageAt(t, st, s.URL(p)) == nil {
			t.Errorf("%s: not stored", p)
		}
	}
	if stats.Skipped != 2 {
		t.Errorf("skipped %d, want the 2 disallowed pages", stats.Skipped)
	}
	// Crawl-delay: 0.15s between the starts of two requests. They are
	// seen when the handler runs, which a loaded machine may delay for one
	// request and not the next: the bound leaves room for that jitter and
	// still fails without the delay (requests then come < 10ms apart).
	s.mu.Lock()
	log := append([]hit(nil), s.log...)
	s.mu.Unlock()
	for i := 1; i < len(log); i++ {
		if d := log[i].at.Sub(log[i-1].at); d < 100*time.Millisecond {
			t.Errorf("requests %s and %s only %v apart", log[i-1].path, log[i].path, d)
		}
	}
	if ua := log[0].req.UserAgent(); ua != crawler.DefaultUserAgent {
		t.Errorf("User-Agent %q", ua)
	}
}

// TestRedirects: a chain is followed to its end and recorded at every
// hop; a loop ends; a chain longer than 10 hops is cut; a redirect out of
// scope is not followed.
func TestRedirects(t *testing.T) {
	other := newSite(t)
	other.html("/", "Ailleurs", "Un autre site.")
	s := newSite(t)
	redirect := func(from, to string) {
		s.HandleFunc(from, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, to, http.StatusMovedPermanently)
		})
	}
	redirect("/r1", "/r2")
	redirect("/r2", "/r3?utm_source=x")
	s.HandleFunc("/r3", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/final", http.StatusFound)
	})
	s.html("/final", "Fin de chaîne", "La page au bout de la chaîne de redirections.")
	redirect("/loop1", "/loop2")
	redirect("/loop2", "/loop1")
	redirect("/self", "/self")
	s.HandleFunc("/chain/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/chain/"), "x"))
		http.Redirect(w, r, "/chain/"+strconv.Itoa(n+1)+"x", http.StatusMovedPermanently)
	})
	redirect("/out", other.URL("/"))
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/r1", "/loop1", "/self", "/chain/0x", "/out")

	st := openStore(t)
	cfg := s.config()
	cfg.MaxPerPattern = -1
	cfg.Logger = testLogger(t)
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	if pageAt(t, st, s.URL("/final")) == nil {
		t.Errorf("chain target not stored")
	}
	for _, p := range []string{"/r1", "/r2", "/r3"} {
		if sta, ok := state(t, st, s.URL(p)); !ok || (sta.Status != 301 && sta.Status != 302) {
			t.Errorf("%s: state %+v %v, want a redirect status", p, sta, ok)
		}
		if pageAt(t, st, s.URL(p)) != nil {
			t.Errorf("%s: a page stored under a redirect", p)
		}
	}
	if s.Hits("/loop1") != 1 || s.Hits("/loop2") != 1 || s.Hits("/self") != 1 {
		t.Errorf("loop hits: %d %d %d", s.Hits("/loop1"), s.Hits("/loop2"), s.Hits("/self"))
	}
	if n := s.Hits("/chain/10x"); n != 1 {
		t.Errorf("10th hop fetched %d times, want 1", n)
	}
	if n := s.Hits("/chain/11x"); n != 0 {
		t.Errorf("11th hop fetched %d times, want 0", n)
	}
	if n := other.Hits("/"); n != 0 {
		t.Errorf("out-of-scope redirect followed (%d hits)", n)
	}
}

// TestCanonical: a page whose canonical URL differs is stored under it
// and the canonical URL is not fetched again; a canonical on another host
// is ignored.
func TestCanonical(t *testing.T) {
	s := newSite(t)
	other := newSite(t)
	withCanonical := func(path, canonical, title, body string, links ...string) {
		s.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			p := page(title, body, links...)
			fmt.Fprint(w, strings.Replace(p, "</head>", `<link rel="canonical" href="`+canonical+`"></head>`, 1))
		})
	}
	withCanonical("/node/7", s.URL("/news/sept"), "Sept", "Le septième article de la mission.", "/news/sept")
	s.html("/news/sept", "Sept", "Le septième article de la mission.")
	withCanonical("/ext", other.URL("/ext"), "Externe", "Cette page prétend vivre ailleurs.")
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/node/7", "/ext")

	st := openStore(t)
	cfg := s.config()
	cfg.Concurrency = 1
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	if p := pageAt(t, st, s.URL("/news/sept")); p == nil || p.Title != "Sept" {
		t.Errorf("canonical page: %+v", p)
	}
	if pageAt(t, st, s.URL("/node/7")) != nil {
		t.Errorf("page stored under its alias")
	}
	if n := s.Hits("/news/sept"); n != 0 {
		t.Errorf("canonical URL fetched %d times", n)
	}
	if pageAt(t, st, s.URL("/ext")) == nil || other.Hits("/ext") != 0 {
		t.Errorf("off-host canonical: page not stored under its own URL, or fetched off host")
	}
}

// TestRetries: 5xx and timeouts are retried with backoff, 429 waits for
// Retry-After, a too long Retry-After fails at once, and a slow server
// cannot hold a worker beyond Timeout.
func TestRetries(t *testing.T) {
	s := newSite(t)
	var flaky, limited atomic.Int32
	s.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if flaky.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Instable", "Réponse après deux erreurs."))
	})
	s.HandleFunc("/limited", func(w http.ResponseWriter, r *http.Request) {
		if limited.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Limité", "Réponse après un 429."))
	})
	s.HandleFunc("/limited-long", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "come back tomorrow", http.StatusTooManyRequests)
	})
	s.HandleFunc("/always500", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	release := make(chan struct{})
	defer close(release)
	s.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	s.HandleFunc("/slowloris", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(200)
		for i := 0; i < 100; i++ {
			if _, err := w.Write([]byte("<p>a</p>")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-release:
				return
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/flaky", "/limited", "/limited-long", "/always500", "/slow", "/slowloris")

	st := openStore(t)
	cfg := s.config()
	cfg.Timeout = 300 * time.Millisecond
	cfg.Retries = 2
	cfg.MaxRetryAfter = 5 * time.Second
	start := time.Now()
	stats, _ := crawl(t, cfg, st)
	elapsed := time.Since(start)
	t.Logf("%+v in %v", stats, elapsed)
	if pageAt(t, st, s.URL("/flaky")) == nil || s.Hits("/flaky") != 3 {
		t.Errorf("flaky: stored %v after %d hits, want stored after 3", pageAt(t, st, s.URL("/flaky")) != nil, s.Hits("/flaky"))
	}
	if pageAt(t, st, s.URL("/limited")) == nil {
		t.Errorf("429 page not stored after Retry-After")
	}
	if r := s.requests("/limited"); len(r) != 2 || r[1].at.Sub(r[0].at) < 900*time.Millisecond {
		t.Errorf("429: %d requests, Retry-After not respected", len(r))
	}
	if n := s.Hits("/limited-long"); n != 1 {
		t.Errorf("a 1h Retry-After was retried (%d hits)", n)
	}
	if n := s.Hits("/always500"); n != 3 {
		t.Errorf("500: %d attempts, want 1 + 2 retries", n)
	}
	if n := s.Hits("/slow"); n != 3 {
		t.Errorf("slow: %d attempts, want 3", n)
	}
	if stats.Errors != 4 { // limited-long, always500, slow, slowloris
		t.Errorf("errors %d, want 4", stats.Errors)
	}
	if elapsed > 10*time.Second {
		t.Errorf("crawl took %v: timeouts not enforced", elapsed)
	}
}

// TestContentLimits: non-HTML is recorded and skipped, oversize pages and
// gzip bombs are capped, non-UTF-8 and broken HTML are read.
func TestContentLimits(t *testing.T) {
	s := newSite(t)
	s.HandleFunc("/rapport.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4\n" + strings.Repeat("x", 100<<10)))
	})
	big := page("Énorme", strings.Repeat("Paragraphe très long. ", 100_000)) // ~2.2 MB
	s.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(big))
	})
	s.HandleFunc("/huge-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for i := 0; i < len(big); i += 32 << 10 {
			w.Write([]byte(big[i:min(len(big), i+32<<10)]))
			w.(http.Flusher).Flush()
		}
	})
	bomb := gz(t, "<html><body><p>"+strings.Repeat("A", 20<<20)+"</p></body></html>")
	s.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	s.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		// "Réunion à Fès" in ISO-8859-1.
		w.Write([]byte("<html><head><title>R\xe9union \xe0 F\xe8s</title></head><body><main><h1>R\xe9union \xe0 F\xe8s</h1><p>Les d\xe9l\xe9gations se sont r\xe9unies \xe0 F\xe8s pour la premi\xe8re fois.</p></main></body></html>"))
	})
	s.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<HTML><HEAD><TITLE>Page cassée</TITLE><BODY><MAIN><H1>Page cassée<P>Un paragraphe non fermé & une esperluette<P class=x>Un autre <b>gras<LI>élément</td></div></span>`)
	})
	s.HandleFunc("/gzip-ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz(t, page("Compressée", "Une page compressée par le serveur.")))
	})
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/rapport.pdf", "/huge", "/huge-chunked", "/bomb", "/latin1", "/broken", "/gzip-ok")

	st := openStore(t)
	cfg := s.config()
	cfg.MaxBodyBytes = 1 << 20
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	for _, p := range []string{"/rapport.pdf", "/huge", "/huge-chunked", "/bomb"} {
		if pageAt(t, st, s.URL(p)) != nil {
			t.Errorf("%s: stored", p)
		}
		if sta, ok := state(t, st, s.URL(p)); !ok || sta.Status != 200 {
			t.Errorf("%s: state %+v %v, want a recorded 200", p, sta, ok)
		}
	}
	if stats.Skipped != 4 || stats.Errors != 0 {
		t.Errorf("skipped %d errors %d, want 4 and 0", stats.Skipped, stats.Errors)
	}
	if p := pageAt(t, st, s.URL("/latin1")); p == nil || p.Title != "Réunion à Fès" || !strings.Contains(p.Body, "premièr") {
		t.Errorf("latin-1 page: %+v", p)
	}
	if p := pageAt(t, st, s.URL("/broken")); p == nil || !strings.Contains(p.Body, "esperluette") {
		t.Errorf("broken page: %+v", p)
	}
	if p := pageAt(t, st, s.URL("/gzip-ok")); p == nil || p.Title != "Compressée" {
		t.Errorf("gzip page: %+v", p)
	}
}

// TestTraps: calendar parameters, long queries, deep chains and URL
// patterns are all bounded.
func TestTraps(t *testing.T) {
	s := newSite(t)
	s.HandleFunc("/calendar", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("month"))
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Calendrier", fmt.Sprintf("Mois %d.", n), fmt.Sprintf("/calendar?month=%d", n+1), fmt.Sprintf("/agenda?d=2024-%02d", n%12+1)))
	})
	s.HandleFunc("/agenda", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Agenda", "Agenda."))
	})
	s.HandleFunc("/archive/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/archive/"))
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Archive "+strconv.Itoa(n), fmt.Sprintf("Archives numéro %d de la mission.", n), fmt.Sprintf("/archive/%d", n+1)))
	})
	s.HandleFunc("/deep/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		// Distinct segments (a2/a3/…): the depth limit cuts it, not the
		// repeated-segment rule.
		fmt.Fprint(w, page("Profond", "Profondeur "+r.URL.Path+".", r.URL.Path+"a"+strconv.Itoa(strings.Count(r.URL.Path, "/"))+"/"))
	})
	s.html("/search", "Recherche", "Résultats.")
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/calendar", "/archive/1", "/deep/", "/search?a=1&b=2&c=3&d=4")

	st := openStore(t)
	cfg := s.config()
	cfg.MaxPerPattern = 3
	cfg.MaxDepth = 4
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	if n := s.Hits("/calendar"); n != 1 {
		t.Errorf("calendar fetched %d times, want once", n)
	}
	if n := s.Hits("/agenda"); n != 0 {
		t.Errorf("date-valued agenda fetched %d times", n)
	}
	if n := s.Hits("/search"); n != 0 {
		t.Errorf("4-parameter query fetched")
	}
	archives := 0
	deep := 0
	s.mu.Lock()
	for p, n := range s.hits {
		if strings.HasPrefix(p, "/archive/") {
			archives += n
		}
		if strings.HasPrefix(p, "/deep/") {
			deep += n
		}
	}
	s.mu.Unlock()
	if archives != 3 {
		t.Errorf("%d archive pages fetched, want MaxPerPattern = 3", archives)
	}
	if deep != 4 { // depths 1..4
		t.Errorf("%d deep pages fetched, want 4", deep)
	}
}

// TestRecrawl: the second crawl asks conditionally, counts 304s as
// unchanged, marks 404/410 pages gone, and stores changed pages.
func TestRecrawl(t *testing.T) {
	s := newSite(t)
	var version atomic.Int32
	var removed atomic.Bool
	s.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Avec ETag", "Une page qui ne change pas."))
	})
	lm := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	s.HandleFunc("/lastmod", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		http.ServeContent(w, r, "", lm, strings.NewReader(page("Avec date", "Une page datée par son serveur.")))
	})
	s.HandleFunc("/changing", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Changeante", fmt.Sprintf("Version %d de la page.", version.Load())))
	})
	s.HandleFunc("/removed", func(w http.ResponseWriter, r *http.Request) {
		if removed.Load() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Supprimée", "Cette page va disparaître."))
	})
	s.HandleFunc("/removed410", func(w http.ResponseWriter, r *http.Request) {
		if removed.Load() {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Supprimée aussi", "Cette autre page va disparaître."))
	})
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/etag", "/lastmod", "/changing", "/removed", "/removed410")

	st := openStore(t)
	cfg := s.config()
	// Pages fetched while the boilerplate is learned (here: all six, fewer
	// than BoilerplatePages) are asked for in full.
	cfg.BoilerplatePages = -1
	stats, _ := crawl(t, cfg, st)
	if stats.Stored != 6 {
		t.Fatalf("first crawl: %+v", stats)
	}
	version.Store(1)
	removed.Store(true)
	stats, c := crawlAt(t, cfg, st, nextDay()) // every page is due
	t.Logf("%+v", stats)
	if stats.Unchanged != 3 || stats.Stored != 1 || stats.Gone != 2 {
		t.Errorf("recrawl: %+v, want 3 unchanged (/, /etag, /lastmod), 1 stored, 2 gone", stats)
	}
	if r := s.requests("/etag"); r[len(r)-1].req.Header.Get("If-None-Match") != `"v1"` {
		t.Errorf("no If-None-Match on recrawl")
	}
	if r := s.requests("/lastmod"); r[len(r)-1].req.Header.Get("If-Modified-Since") == "" {
		t.Errorf("no If-Modified-Since on recrawl")
	}
	if sta, _ := state(t, st, s.URL("/etag")); sta.Status != 304 || sta.Gone || sta.ETag != `"v1"` {
		t.Errorf("state after 304: %+v", sta)
	}
	updated, gone := c.Changed()
	wantGone := []string{missionsearch.PageID(s.URL("/removed")), missionsearch.PageID(s.URL("/removed410"))}
	if len(updated) != 1 || updated[0] != missionsearch.PageID(s.URL("/changing")) {
		t.Errorf("updated %v", updated)
	}
	if len(gone) != 2 || !(gone[0] == wantGone[0] || gone[0] == wantGone[1]) {
		t.Errorf("gone %v, want %v", gone, wantGone)
	}
	ids, err := st.GoneIDs(context.Background())
	if err != nil || len(ids) != 2 {
		t.Errorf("store gone ids %v %v", ids, err)
	}
	if p := pageAt(t, st, s.URL("/changing")); p == nil || !strings.Contains(p.Body, "Version 1") {
		t.Errorf("changed page not updated: %+v", p)
	}
}

// TestDuplicates: the same content under two URLs is stored once, in the
// same crawl and across crawls.
func TestDuplicates(t *testing.T) {
	s := newSite(t)
	same := page("Doublon", "Exactement le même contenu sous deux adresses différentes.")
	for _, p := range []string{"/dup-a", "/dup-b", "/dup-c"} {
		s.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, same)
		})
	}
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/dup-a", "/dup-b")
	st := openStore(t)
	stats, _ := crawl(t, s.config(), st)
	if n := count(t, st); n != 2 || stats.Skipped != 1 {
		t.Errorf("%d pages stored, %d skipped; want / and one copy, 1 skipped", n, stats.Skipped)
	}
	// A later crawl reaching a third copy does not store it either.
	cfg := s.config("/dup-c")
	stats, _ = crawl(t, cfg, st)
	if pageAt(t, st, s.URL("/dup-c")) != nil {
		t.Errorf("third copy stored: %+v", stats)
	}
}

// TestDuplicatePreferredURL: content served under a URL with a query
// string and under the same URL without is stored under the one without,
// whichever the crawler meets first, in the same crawl or a later one.
func TestDuplicatePreferredURL(t *testing.T) {
	s := newSite(t)
	same := page("Actualités", "La liste des actualités de la mission, page une.")
	for _, p := range []string{"/news", "/news2"} {
		s.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, same)
		})
	}
	// Only the URL with a query first: it is stored.
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/news?page=0", "/news2?page=0")
	st := openStore(t)
	cfg := s.config()
	cfg.Concurrency = 1
	crawl(t, cfg, st)
	if pageAt(t, st, s.URL("/news?page=0")) == nil {
		t.Fatal("the only URL of the content is not stored")
	}

	// Then the home page links the clean URL too, after the other one:
	// the content moves to it, and the copy leaves the index.
	s.html("/x", "Accueil", "Les liens vers les pages du site.", "/news?page=0", "/news", "/news2?page=0")
	cfg = s.config("/x")
	cfg.Concurrency = 1
	stats, c := crawl(t, cfg, st)
	if pageAt(t, st, s.URL("/news")) == nil {
		t.Fatalf("content not moved to /news: %+v", stats)
	}
	if q, ok := state(t, st, s.URL("/news?page=0")); !ok || !q.Gone {
		t.Errorf("/news?page=0 still live: %+v", q)
	}
	updated, gone := c.Changed()
	if !slices.Contains(updated, missionsearch.PageID(s.URL("/news"))) || !slices.Contains(gone, missionsearch.PageID(s.URL("/news?page=0"))) {
		t.Errorf("Changed: updated %v, gone %v; want /news updated and /news?page=0 gone", updated, gone)
	}

	// A recrawl keeps it there, and changes nothing.
	stats, c = crawl(t, cfg, st)
	if u, g := c.Changed(); len(u)+len(g) != 0 || pageAt(t, st, s.URL("/news")) == nil {
		t.Errorf("recrawl: %+v, Changed %v %v", stats, u, g)
	}
	if q, _ := state(t, st, s.URL("/news?page=0")); !q.Gone {
		t.Errorf("recrawl revived /news?page=0: %+v", q)
	}

	// In one crawl, met in either order: the clean URL is stored, the
	// other is not.
	for i, links := range [][]string{{"/news2?page=0", "/news2"}, {"/news2", "/news2?page=0"}} {
		st := openStore(t)
		home := fmt.Sprintf("/y%d", i)
		s.html(home, "Accueil", "Les liens vers les pages du site.", links...)
		cfg := s.config(home)
		cfg.Concurrency = 1
		stats, c := crawl(t, cfg, st)
		if pageAt(t, st, s.URL("/news2")) == nil {
			t.Errorf("links %v: /news2 not stored", links)
		}
		if q, ok := state(t, st, s.URL("/news2?page=0")); ok && !q.Gone && q.ContentHash != "" {
			t.Errorf("links %v: /news2?page=0 stored live: %+v", links, q)
		}
		updated, gone := c.Changed()
		if len(gone) != 0 || len(updated) != stats.Stored {
			t.Errorf("links %v: Changed %v %v, stats %+v", links, updated, gone, stats)
		}
	}
}

// TestCancel: cancelling a crawl stops it promptly, keeps every page
// fetched, and the next crawl resumes: pages already stored are not
// fetched again (their stored links lead to the rest), and the rest is
// stored.
func TestCancel(t *testing.T) {
	const lists, perList = 10, 10
	s := newSite(t)
	s.HandleFunc("/p/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p/"))
		tag := fmt.Sprintf(`"e%d"`, n)
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page(fmt.Sprintf("Article %d", n), fmt.Sprintf("Le contenu propre à l'article numéro %d.", n)))
	})
	s.HandleFunc("/list", func(w http.ResponseWriter, r *http.Request) {
		k, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var links []string
		for i := range perList {
			links = append(links, fmt.Sprintf("/p/%d", k*perList+i))
		}
		if k+1 < lists {
			links = append(links, fmt.Sprintf("/list?page=%d", k+1))
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page(fmt.Sprintf("Liste %d", k), fmt.Sprintf("Page %d de la liste des articles.", k), links...))
	})
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/list")
	st := openStore(t)
	cfg := s.config()
	cfg.Delay = 5 * time.Millisecond
	var once sync.Once
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelledAt time.Time
	cfg.Progress = func(st crawler.Stats) {
		if st.Fetched >= 40 {
			once.Do(func() { cancelledAt = time.Now(); cancel() })
		}
	}
	c, err := crawler.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := c.Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v, want context.Canceled", err)
	}
	if d := time.Since(cancelledAt); d > 2*time.Second {
		t.Errorf("Run returned %v after the cancel", d)
	}
	t.Logf("cancelled: %+v", stats)
	n := count(t, st)
	if n != stats.Stored || n < stats.Fetched-1 { // every fetched page stored (one may be cut mid-fetch)
		t.Errorf("%d pages in the store, %d stored, %d fetched", n, stats.Stored, stats.Fetched)
	}
	if stats.Fetched >= lists*(perList+1) {
		t.Errorf("the crawl was not cancelled")
	}
	cfg.Progress = nil
	stored := map[string]bool{}
	if err := st.Pages(t.Context(), func(p *missionsearch.Page) error { stored[p.URL] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	stats2, _ := crawl(t, cfg, st)
	t.Logf("resumed: %+v", stats2)
	// The resumed crawl walks the stored links of the pages already
	// stored without fetching them again: only the seed is, and the pages
	// in flight at the cancel, never stored.
	for _, u := range s.refetched("/") {
		if stored[s.URL(u)] {
			t.Errorf("resume: %s was stored before the cancel and fetched again", u)
		}
	}
	if stats2.Fresh < n-1 {
		t.Errorf("resume: %d pages not fetched again, want %d", stats2.Fresh, n-1)
	}
	if got, want := count(t, st), 1+lists*(perList+1); got != want {
		t.Errorf("after resuming: %d pages stored, want %d", got, want)
	}
}

// TestPrivateAddresses: a host allowed by configuration but resolving to
// a loopback address is refused; the seed host's loopback is allowed.
func TestPrivateAddresses(t *testing.T) {
	other := newSite(t)
	other.html("/", "Interne", "Un service interne.")
	_, port, _ := strings.Cut(strings.TrimPrefix(other.srv.URL, "http://"), ":")
	s := newSite(t)
	s.html("/", "Accueil", "Les liens vers les pages du site.", "http://localhost:"+port+"/")
	st := openStore(t)
	cfg := s.config()
	cfg.AllowedHosts = []string{"localhost"}
	cfg.Retries = -1
	stats, _ := crawl(t, cfg, st)
	if other.Hits("/") != 0 || other.Hits("/robots.txt") != 0 {
		t.Errorf("a loopback address of a non-seed host was dialled")
	}
	if pageAt(t, st, s.URL("/")) == nil {
		t.Errorf("seed page not stored: %+v", stats)
	}
}

// TestScopeAndProgress: Include/Exclude restrict the crawl, MaxPages
// stops it, and Progress reports the end totals.
func TestScopeAndProgress(t *testing.T) {
	s := newSite(t)
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/fr/a", "/fr/b", "/en/a", "/fr/private/x", "/fr/c", "/fr/d")
	for _, p := range []string{"/fr/a", "/fr/b", "/en/a", "/fr/private/x", "/fr/c", "/fr/d"} {
		s.html(p, "Page "+p, "Contenu de la page "+p+".")
	}
	st := openStore(t)
	cfg := s.config()
	cfg.Include = []*regexp.Regexp{regexp.MustCompile(`/fr/`)}
	cfg.Exclude = []*regexp.Regexp{regexp.MustCompile(`/private/`)}
	cfg.MaxPages = 4 // "/" and three /fr/ pages
	cfg.Concurrency = 1
	var last crawler.Stats
	var calls atomic.Int32
	cfg.Progress = func(st crawler.Stats) { calls.Add(1); last = st }
	stats, _ := crawl(t, cfg, st)
	if s.Hits("/en/a") != 0 || s.Hits("/fr/private/x") != 0 {
		t.Errorf("out of Include/Exclude pages fetched")
	}
	if stats.Fetched != 4 {
		t.Errorf("fetched %d, want MaxPages 4", stats.Fetched)
	}
	if calls.Load() == 0 || last.Fetched != stats.Fetched || last.Elapsed == 0 {
		t.Errorf("progress: %d calls, last %+v", calls.Load(), last)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	st := openStore(t)
	for _, cfg := range []crawler.Config{
		{},
		{Seeds: []string{"ftp://example.org/"}},
		{Seeds: []string{"not a url"}},
		{Seeds: []string{"http://example.org/"}, AllowedHosts: []string{"http://x/"}},
	} {
		if _, err := crawler.New(cfg, st); missionsearch.ErrorCode(err) != missionsearch.EINVALID {
			t.Errorf("New(%+v): %v, want EINVALID", cfg, err)
		}
	}
}

// unused keeps httptest imported for helpers in other files.
var _ = httptest.NewServer
