package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"missionsearch/crawler"
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
	menu := `<header><nav class="menu"><ul><li><a href="/">Accueil</a></li><li><a href="/fr/news/a">Actualités</a></li><li><a href="/fr/contact">Contact</a></li></ul></nav></header>`
	footer := `<footer><p>Mission de démonstration — tous droits réservés.</p><ul><li><a href="/fr/mentions">Mentions légales</a></li></ul></footer>`
	for i := range n {
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
		pages["/fr/news/"+slug(i)] = []byte(b.String())
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
		c, err := crawler.New(crawler.Config{Seeds: []string{ts.URL + "/"}, Concurrency: 8}, st)
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
		fetched += stats.Fetched
	}
	b.ReportMetric(float64(fetched)/b.Elapsed().Seconds(), "pages/s")
}
