package crawler_test

// Hostile sites on loopback (issue #18, "Bounded by design"): each test
// ends within a bounded time (crawl's 60 s guard, most in well under a
// second) and bounded memory.

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/internal/demosite"
)

// TestHostileBigRobots: a robots.txt over the 500 KiB parsing limit is
// applied from its first part, never taken as "allow all".
func TestHostileBigRobots(t *testing.T) {
	comments := strings.Repeat("# "+strings.Repeat("x", 60)+"\n", 660<<10/63) // ~660 KB
	t.Run("disallow all first", func(t *testing.T) {
		s := newSite(t)
		s.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n"+comments)
		})
		s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/a")
		s.html("/a", "A", "Page A.")
		st := openStore(t)
		cfg := s.config()
		cfg.Logger = testLogger(t)
		stats, _ := crawl(t, cfg, st)
		if s.Hits("/") != 0 || s.Hits("/a") != 0 || count(t, st) != 0 {
			t.Errorf("robots.txt Disallow: / ignored: / fetched %d times, /a %d, %d pages stored (%+v)",
				s.Hits("/"), s.Hits("/a"), count(t, st), stats)
		}
	})
	t.Run("rules past the limit ignored", func(t *testing.T) {
		s := newSite(t)
		s.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n"+comments+"Disallow: /\n")
		})
		s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/a", "/private/x")
		s.html("/a", "A", "Page A de la mission.")
		s.html("/private/x", "Privé", "Ne doit pas être lu.")
		st := openStore(t)
		stats, _ := crawl(t, s.config(), st)
		if s.Hits("/private/x") != 0 {
			t.Errorf("/private/x disallowed in the first 500 KiB but fetched")
		}
		if pageAt(t, st, s.URL("/a")) == nil {
			t.Errorf("/a not stored: %+v", stats)
		}
	})
}

// TestHostileRobotsUnavailable: a robots.txt answering 429 or 503 is
// retried, then its host is not crawled in this run, and the crawl
// reports the failure; another host of the same crawl is crawled.
func TestHostileRobotsUnavailable(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			bad := newSite(t)
			bad.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "slow down", status)
			})
			bad.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/a")
			bad.html("/a", "A", "Page A.")
			good := newSite(t)
			good.html("/", "Accueil", "Bienvenue sur l'autre site.", "/b")
			good.html("/b", "B", "Page B de l'autre site.")

			st := openStore(t)
			cfg := bad.config()
			cfg.Seeds = append(cfg.Seeds, good.URL("/"))
			c, err := crawler.New(cfg, st)
			if err != nil {
				t.Fatal(err)
			}
			stats, err := c.Run(t.Context())
			t.Logf("%+v %v", stats, err)
			if !errors.Is(err, crawler.ErrHostsUnavailable) || !strings.Contains(err.Error(), strings.TrimPrefix(bad.URL(""), "http://")) {
				t.Errorf("Run returned %v, want ErrHostsUnavailable naming the host", err)
			}
			if n := bad.Hits("/robots.txt"); n != 3 {
				t.Errorf("robots.txt asked %d times, want 3 (2 retries)", n)
			}
			if bad.Hits("/") != 0 || bad.Hits("/a") != 0 {
				t.Errorf("host crawled although its robots.txt answered %d", status)
			}
			if stats.HostsUnavailable != 1 || stats.Errors != 1 {
				t.Errorf("HostsUnavailable %d Errors %d, want 1 and 1", stats.HostsUnavailable, stats.Errors)
			}
			if pageAt(t, st, good.URL("/b")) == nil {
				t.Errorf("the other host's page not stored")
			}
		})
	}
}

// TestHostileRobotsRedirects: robots.txt redirected 5 times is followed
// to its end (RFC 9309): a 404 there means no rules, a file its rules.
func TestHostileRobotsRedirects(t *testing.T) {
	for _, final := range []string{"404", "rules"} {
		t.Run(final, func(t *testing.T) {
			s := newSite(t)
			s.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/r1", http.StatusMovedPermanently)
			})
			for i := 1; i < 5; i++ {
				s.HandleFunc(fmt.Sprintf("/r%d", i), func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, fmt.Sprintf("/r%d", i+1), http.StatusFound)
				})
			}
			s.HandleFunc("/r5", func(w http.ResponseWriter, r *http.Request) {
				if final == "404" {
					http.NotFound(w, r)
					return
				}
				fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
			})
			s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/a", "/private/x")
			s.html("/a", "A", "Page A de la mission.")
			s.html("/private/x", "Privé", "Page privée du site.")
			st := openStore(t)
			stats, _ := crawl(t, s.config(), st)
			if s.Hits("/r5") != 1 {
				t.Errorf("the 5th redirect's target fetched %d times", s.Hits("/r5"))
			}
			if pageAt(t, st, s.URL("/a")) == nil {
				t.Errorf("/a not stored: %+v", stats)
			}
			if got, want := s.Hits("/private/x") > 0, final == "404"; got != want {
				t.Errorf("/private/x fetched: %v, want %v", got, want)
			}
		})
	}
}

// TestHostileRobots404: a robots.txt answering 404 (or 403) means no
// rules: the site is crawled and the crawl succeeds.
func TestHostileRobots404(t *testing.T) {
	s := newSite(t)
	s.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	})
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/a")
	s.html("/a", "A", "Page A de la mission.")
	st := openStore(t)
	stats, _ := crawl(t, s.config(), st)
	if pageAt(t, st, s.URL("/a")) == nil || stats.Errors != 0 {
		t.Errorf("site without robots.txt not crawled cleanly: %+v", stats)
	}
}

// TestHostileContentEncoding: deflate bodies, zlib-wrapped or raw, and
// gzip are decoded; an unsupported coding (br) is refused with an error,
// never stored.
func TestHostileContentEncoding(t *testing.T) {
	s := newSite(t)
	encode := func(enc string, html string) []byte {
		var b bytes.Buffer
		switch enc {
		case "zlib":
			w := zlib.NewWriter(&b)
			w.Write([]byte(html))
			w.Close()
		case "raw":
			w, _ := flate.NewWriter(&b, flate.BestCompression)
			w.Write([]byte(html))
			w.Close()
		case "gzip":
			b.Write(gz(t, html))
		default:
			b.WriteString("\x8b\x0b\x80" + html) // not really brotli: must never be stored anyway
		}
		return b.Bytes()
	}
	cases := map[string]string{"/zlib": "deflate", "/raw": "deflate", "/gzip": "gzip", "/br": "br"}
	for path, header := range cases {
		body := encode(strings.TrimPrefix(path, "/"), page("Page "+path[1:], "Compte rendu de l'atelier régional sur la migration, version "+path[1:]+"."))
		s.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", header)
			w.Write(body)
		})
	}
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/zlib", "/raw", "/gzip", "/br")
	st := openStore(t)
	cfg := s.config()
	cfg.Logger = testLogger(t)
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	for _, path := range []string{"/zlib", "/raw", "/gzip"} {
		p := pageAt(t, st, s.URL(path))
		if p == nil || p.Title != "Page "+path[1:] || !strings.Contains(p.Body, "atelier régional") {
			t.Errorf("%s: not decoded: %+v", path, p)
		}
	}
	if p := pageAt(t, st, s.URL("/br")); p != nil {
		t.Errorf("/br stored as %q", p.Body)
	}
	if stats.Errors != 1 {
		t.Errorf("errors %d, want 1 (the br page)", stats.Errors)
	}
	if n := s.Hits("/br"); n != 1 {
		t.Errorf("/br fetched %d times: an unsupported coding is not worth a retry", n)
	}
}

// TestHostileBigSitemap: a sitemap of 5,000 URLs of one pattern, 500 times
// its budget, is crawled whole (sitemap URLs are exempt from
// MaxPerPattern), while links of one pattern beyond the budget are cut and
// reported. MISSIONSEARCH_HOSTILE_SITEMAP=40000 runs the size
// (bench/hostile.sh does).
func TestHostileBigSitemap(t *testing.T) {
	n := 5_000
	if v, err := strconv.Atoi(os.Getenv("MISSIONSEARCH_HOSTILE_SITEMAP")); err == nil && v > 0 {
		n = v
	}
	s := newSite(t)
	var sm strings.Builder
	sm.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := range n {
		fmt.Fprintf(&sm, "<url><loc>%s/node/%d</loc></url>\n", s.URL(""), i)
	}
	sm.WriteString("</urlset>")
	s.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, sm.String())
	})
	s.HandleFunc("/node/", func(w http.ResponseWriter, r *http.Request) {
		// Fetched, and neither extracted nor written to the store (an
		// unknown 404): keeps the test fast, the store's writes aside.
		w.WriteHeader(http.StatusNotFound)
	})
	var links []string
	for i := range 30 {
		links = append(links, fmt.Sprintf("/tag/%d", i))
	}
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", links...)
	s.HandleFunc("/tag/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "t")
	})
	st := openStore(t)
	cfg := s.config()
	cfg.MaxPages = n + 100
	cfg.MaxPerPattern = 10
	cfg.Concurrency = 8
	var out bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn}))
	start := time.Now()
	stats, _ := crawl(t, cfg, st)
	t.Logf("%d URLs in %v: %+v", n, time.Since(start), stats)
	fetched := 0
	s.mu.Lock()
	for p, k := range s.hits {
		if strings.HasPrefix(p, "/node/") && k > 0 {
			fetched++
		}
	}
	s.mu.Unlock()
	if fetched != n {
		t.Errorf("%d sitemap URLs fetched, want %d", fetched, n)
	}
	if s.Hits("/tag/11") != 0 || stats.PatternCut != 20 {
		t.Errorf("PatternCut %d, want the 20 links over the budget of 10", stats.PatternCut)
	}
	pat := strings.TrimPrefix(s.URL("/tag/0"), "http://")
	if len(stats.Cuts) != 1 || stats.Cuts[0] != (crawler.Cut{Rule: "max-per-pattern", Key: pat, Dropped: 20}) {
		t.Errorf("Cuts %+v", stats.Cuts)
	}
	if w := strings.Count(out.String(), "level=WARN"); w != 1 || !strings.Contains(out.String(), "dropped=20") {
		t.Errorf("want one WARN line with the count, got:\n%s", out.String())
	}
}

// TestHostileManyLinks: a page with 100,000 links queues only
// MaxLinksPerPage of them, and says so.
func TestHostileManyLinks(t *testing.T) {
	const n = 100_000
	s := newSite(t)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html lang=\"fr\"><head><title>Liens</title></head><body><main><h1>Liens</h1><p>Une page de liens sans fin.</p><ul>")
	for i := range n {
		fmt.Fprintf(&b, "<li><a href=\"/p/x%d\">x%d</a></li>", i, i)
	}
	b.WriteString("</ul></main></body></html>")
	body := b.String()
	s.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "p")
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, body)
	})
	st := openStore(t)
	cfg := s.config()
	cfg.MaxLinksPerPage = 300
	cfg.Concurrency = 8
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	if stats.Fetched != 301 {
		t.Errorf("fetched %d pages, want the page and its first 300 links", stats.Fetched)
	}
	if s.Hits("/p/x299") != 1 || s.Hits("/p/x300") != 0 {
		t.Errorf("not the first 300 links followed")
	}
	if stats.LinksCut != n-300 || stats.LinksCutPages != 1 {
		t.Errorf("LinksCut %d pages %d, want %d and 1", stats.LinksCut, stats.LinksCutPages, n-300)
	}
	stored, _ := state(t, st, s.URL("/"))
	if len(stored.Links) != 300 {
		t.Errorf("%d links recorded in the state, want 300", len(stored.Links))
	}
}

// letters returns the n-th word of the letter counter a, b, … z, aa, ab, …
func letters(n int) string {
	var b []byte
	for n++; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('a' + (n-1)%26)}, b...)
	}
	return string(b)
}

// TestHostileLetterTrap: a site whose pages count in letters (/a, /b, …
// /aa, …), each a copy of the same template, is left after a bounded
// number of pages, and the crawl says so.
func TestHostileLetterTrap(t *testing.T) {
	s := newSite(t)
	index := map[string]int{}
	for i := range 20000 {
		index[letters(i)] = i
	}
	s.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/" {
			fmt.Fprint(w, page("Accueil", "Bienvenue sur le site de la mission.", "/a", "/agenda/2020/01"))
			return
		}
		n, ok := index[strings.Trim(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		name := letters(n)
		fmt.Fprint(w, page("Page "+name, "Vous consultez la page "+name+" du répertoire. Aucun contenu n'est disponible pour le moment.",
			"/"+letters(n+1), "/"+letters(n+2)))
	})
	// A path calendar whose months are empty.
	s.HandleFunc("/agenda/", func(w http.ResponseWriter, r *http.Request) {
		var y, m int
		if _, err := fmt.Sscanf(r.URL.Path, "/agenda/%d/%d", &y, &m); err != nil {
			http.NotFound(w, r)
			return
		}
		next, prev := fmt.Sprintf("/agenda/%d/%02d", y+m/12, m%12+1), fmt.Sprintf("/agenda/%d/%02d", y-(13-m)/13, (m+10)%12+1)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page(fmt.Sprintf("Agenda %02d/%d", m, y), "", next, prev))
	})
	st := openStore(t)
	cfg := s.config()
	cfg.MaxPerPattern = -1 // the letters are distinct patterns anyway; the calendar would stop at the pattern budget
	cfg.MaxDepth = -1      // nor at a depth
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	letterPages, agendaPages := 0, 0
	s.mu.Lock()
	for p := range s.hits {
		if strings.HasPrefix(p, "/agenda/") {
			agendaPages++
		} else if p != "/" && p != "/robots.txt" && p != "/sitemap.xml" {
			letterPages++
		}
	}
	s.mu.Unlock()
	// 30 pages without new content, plus those fetched while the first
	// 30 pages were held for boilerplate learning, plus those in flight.
	if letterPages > 150 || agendaPages > 150 {
		t.Errorf("%d letter pages and %d calendar pages fetched: the traps did not end", letterPages, agendaPages)
	}
	if stats.TrapFamilies != 2 || stats.TrapCut == 0 {
		t.Errorf("TrapFamilies %d TrapCut %d, want 2 families and some URLs cut", stats.TrapFamilies, stats.TrapCut)
	}
	var rules []string
	for _, c := range stats.Cuts {
		rules = append(rules, c.Rule+" "+strings.TrimPrefix(c.Key, strings.TrimPrefix(s.URL(""), "http://")))
	}
	slices.Sort(rules)
	if want := []string{"trap-family /*", "trap-family /agenda/0/*"}; !slices.Equal(rules, want) {
		t.Errorf("Cuts %q, want %q", rules, want)
	}
}

// TestHostileDistinctSection: a section of 600 distinct articles, each
// linking to the next (the shape of a trap, but with new content on
// every page) is crawled whole; so is the demo site, with no family
// stopped.
func TestHostileDistinctSection(t *testing.T) {
	const n = 600
	syll := strings.Fields("ba be bi bo bu da de di do du fa fe fi fo la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo")
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		return b.String()
	}
	slugs := make([]string, n+1)
	bodies := make([]string, n)
	for i := range slugs {
		slugs[i] = word() + "-" + word()
	}
	for i := range bodies {
		var ws []string
		for range 120 {
			ws = append(ws, word())
		}
		bodies[i] = "Le ministre a rencontré les partenaires. " + strings.Join(ws, " ") + "."
	}
	bySlug := map[string]int{}
	for i, sl := range slugs {
		bySlug[sl] = i
	}
	s := newSite(t)
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/fr/news/"+slugs[0])
	s.HandleFunc("/fr/news/", func(w http.ResponseWriter, r *http.Request) {
		i, ok := bySlug[strings.TrimPrefix(r.URL.Path, "/fr/news/")]
		if !ok || i >= n {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Article "+slugs[i], bodies[i], "/fr/news/"+slugs[i+1]))
	})
	st := openStore(t)
	cfg := s.config()
	cfg.MaxDepth = -1
	cfg.Concurrency = 1 // a chain: one page at a time anyway
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	if stats.TrapFamilies != 0 || stats.TrapCut != 0 || count(t, st) != n+1 {
		t.Errorf("%d pages stored, want %d; TrapFamilies %d", count(t, st), n+1, stats.TrapFamilies)
	}

	ts := httptest.NewServer(demosite.New())
	defer ts.Close()
	dst := openStore(t)
	dstats, _ := crawl(t, crawler.Config{Seeds: []string{ts.URL + "/"}, Timeout: 5 * time.Second, RetryBackoff: 10 * time.Millisecond}, dst)
	t.Logf("demo site: %+v", dstats)
	if dstats.TrapFamilies != 0 || dstats.TrapCut != 0 {
		t.Errorf("demo site: a family stopped as a trap: %+v", dstats.Cuts)
	}
}

// TestHostileCorporaNoTrap: real French sites nobody on the team wrote
// (MISSIONSEARCH_CORPORA) have no family stopped as a trap.
func TestHostileCorporaNoTrap(t *testing.T) {
	dir := os.Getenv("MISSIONSEARCH_CORPORA")
	if dir == "" {
		t.Skip("MISSIONSEARCH_CORPORA is not set")
	}
	ts := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer ts.Close()
	for _, corpus := range []string{"gimp-help-fr/index.html", "aptitude-doc-fr/index.html", "installation-guide-fr/index.html", "debian-handbook-fr/index.html", "wikinews-fr-100/index.html"} {
		t.Run(path.Dir(corpus), func(t *testing.T) {
			st := openStore(t)
			cfg := crawler.Config{
				Seeds:        []string{ts.URL + "/" + corpus},
				Include:      []*regexp.Regexp{regexp.MustCompile("^" + regexp.QuoteMeta(ts.URL+"/"+path.Dir(corpus)+"/"))},
				Concurrency:  4,
				Timeout:      5 * time.Second,
				RetryBackoff: 10 * time.Millisecond,
			}
			stats, _ := crawl(t, cfg, st)
			t.Logf("%+v", stats)
			if stats.TrapFamilies != 0 || stats.TrapCut != 0 {
				t.Errorf("a family stopped as a trap: %+v", stats.Cuts)
			}
		})
	}
}
