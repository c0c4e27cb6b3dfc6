package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
	"github.com/missionsearch/missionsearch/crawler/pdftext"
	"github.com/missionsearch/missionsearch/internal/demosite"
	"github.com/missionsearch/missionsearch/store"
)

// slug spells n in letters, so that generated URLs have no digits (which
// the per-pattern trap budget would abstract).
func slug(n int) string {
	var b []byte
	for {
		b = append(b, byte('a'+n%26))
		n /= 26
		if n == 0 {
			break
		}
	}
	return string(b)
}

// generatedSite serves n article pages /fr/news/<slug>, each with a menu,
// a footer, three paragraphs and links to ten other pages.
func generatedSite(n int) http.Handler {
	pages := make(map[string][]byte, n+1)
	for i := range n {
		pages["/fr/news/"+slug(i)] = generatedPage(i, n)
	}
	pages["/"] = pages["/fr/news/a"]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nDisallow: /admin/\n"))
			return
		}
		b, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	})
}

// generatedPage renders the article i of generatedSite(n).
func generatedPage(i, n int) []byte {
	menu := `<header><nav class="menu"><ul><li><a href="/">Accueil</a></li><li><a href="/fr/news/a">Actualités</a></li><li><a href="/fr/contact">Contact</a></li></ul></nav></header>`
	footer := `<footer><p>Mission de démonstration — tous droits réservés.</p><ul><li><a href="/fr/mentions">Mentions légales</a></li></ul></footer>`
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Article %s | Mission</title></head><body>%s<main><article><h1>Article %s</h1>`, slug(i), menu, slug(i))
	fmt.Fprintf(&b, `<time datetime="2024-%02d-%02dT00:00:00Z">date</time>`, i%12+1, i%28+1)
	for p := range 3 {
		fmt.Fprintf(&b, "<p>Paragraphe %d de l'article %s : la mission a organisé un atelier de formation avec ses partenaires nationaux sur la migration et la protection des personnes vulnérables.</p>", p, slug(i))
	}
	b.WriteString("<ul>")
	for k := 1; k <= 10; k++ {
		fmt.Fprintf(&b, `<li><a href="/fr/news/%s">Lire l'article %s</a></li>`, slug((i*7+k*13)%n), slug((i*7+k*13)%n))
	}
	fmt.Fprintf(&b, `</ul><a href="/fr/news/%s">Suivant</a></article></main>%s</body></html>`, slug((i+1)%n), footer)
	return []byte(b.String())
}

// unslug is the inverse of slug; ok is false for a string slug never
// returns.
func unslug(s string) (n int, ok bool) {
	if s == "" {
		return 0, false
	}
	for k := len(s) - 1; k >= 0; k-- {
		if s[k] < 'a' || s[k] > 'z' {
			return 0, false
		}
		n = n*26 + int(s[k]-'a')
	}
	return n, slug(n) == s
}

// lazySite serves the pages of generatedSite(n) rendered at each request,
// so that the site's memory does not hide the crawler's in the same heap.
func lazySite(n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		if path == "/" {
			path = "/fr/news/a"
		}
		i, ok := unslug(strings.TrimPrefix(path, "/fr/news/"))
		if !ok || i >= n || !strings.HasPrefix(path, "/fr/news/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(generatedPage(i, n))
	})
}

// growthStore is a crawl store that samples the heap in use, after a
// garbage collection, when the crawler has stored each of marks pages.
type growthStore struct {
	*store.Store
	marks []int
	heap  []uint64 // heap[i]: HeapInuse once marks[i] pages were stored
	n     atomic.Int64
}

func (g *growthStore) PutPage(ctx context.Context, p *missionsearch.Page, st missionsearch.CrawlState) error {
	if err := g.Store.PutPage(ctx, p, st); err != nil {
		return err
	}
	n := int(g.n.Add(1))
	if i := slices.Index(g.marks, n); i >= 0 {
		g.heap[i] = heapInuse()
	}
	return nil
}

// heapInuse returns runtime.MemStats.HeapInuse after a garbage collection.
func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// BenchmarkCrawlGrowth crawls a generated 20,000-page site on loopback into
// a real store (Delay 0, Concurrency 8, pages rendered per request) and
// reports pages/s and the heap in use after a GC once 5,000, 10,000 and
// 20,000 pages are stored: what the crawler keeps per URL (seen set,
// pattern counts, content hashes, IDs stored) is all that may grow; links
// and states live in the store. One iteration takes minutes (one fsync per
// page): run it with
//
//	go test -run '^$' -bench CrawlGrowth -benchtime 1x ./crawler/
func BenchmarkCrawlGrowth(b *testing.B) {
	const n = 20000
	ts := httptest.NewServer(lazySite(n))
	defer ts.Close()
	var fetched int
	var g *growthStore
	for b.Loop() {
		b.StopTimer()
		g = &growthStore{Store: openStore(b), marks: []int{n / 4, n / 2, n}, heap: make([]uint64, 3)}
		b.StartTimer()
		fetched += benchCrawl(b, ts.URL, g, n)
	}
	b.ReportMetric(float64(fetched)/b.Elapsed().Seconds(), "pages/s")
	for i, m := range g.marks {
		b.ReportMetric(float64(g.heap[i])/(1<<20), fmt.Sprintf("heapMB@%dk", m/1000))
	}
}

// BenchmarkCrawlLoopback crawls a generated 2,000-page site on loopback
// into a real store (Delay 0, Concurrency 8) and reports pages/s.
func BenchmarkCrawlLoopback(b *testing.B) {
	const n = 2000
	ts := httptest.NewServer(generatedSite(n))
	defer ts.Close()
	var fetched int
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		st := openStore(b)
		b.StartTimer()
		fetched += benchCrawl(b, ts.URL, st, n)
	}
	b.ReportMetric(float64(fetched)/b.Elapsed().Seconds(), "pages/s")
}

// benchCrawl crawls the site at base into st with no delay and
// Concurrency 8, checks it stored at least n pages, and returns the number
// of pages fetched.
func benchCrawl(b *testing.B, base string, st crawler.Store, n int) int {
	c, err := crawler.New(crawler.Config{Seeds: []string{base + "/"}, Concurrency: 8}, st)
	if err != nil {
		b.Fatal(err)
	}
	stats, err := c.Run(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if stats.Stored < n {
		b.Fatalf("stored %d of %d pages: %+v", stats.Stored, n, stats)
	}
	return stats.Fetched
}

// BenchmarkCrawlDemo crawls the built-in demo site into a real store with
// no delay and reports pages/s, without and with its PDF reports (the
// latter when pdftotext is installed): the content model's cost on a
// realistic site.
func BenchmarkCrawlDemo(b *testing.B) {
	ts := httptest.NewServer(demosite.New())
	defer ts.Close()
	for _, pdf := range []bool{false, true} {
		cfg := crawler.Config{Seeds: []string{ts.URL + "/"}, Concurrency: 4}
		if pdf {
			x := &pdftext.Extractor{}
			if x.Available() != nil {
				continue
			}
			cfg.PDF = x
		}
		b.Run(fmt.Sprintf("pdf=%v", pdf), func(b *testing.B) {
			var fetched int
			for b.Loop() {
				b.StopTimer()
				st := openStore(b)
				b.StartTimer()
				c, err := crawler.New(cfg, st)
				if err != nil {
					b.Fatal(err)
				}
				stats, err := c.Run(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				fetched += stats.Fetched
			}
			b.ReportMetric(float64(fetched)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}
