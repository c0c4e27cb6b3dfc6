package crawler_test

// Hostile sites on loopback (issue #17, "The index tells the truth"):
// bodies that never end or drip, headers that never come, sitemap indexes
// that loop, redirects that leave for other ports. Each test logs its
// figures (elapsed, peak heap) on a line starting "figures:", which
// bench/hostile.sh collects.

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/crawler"
)

// measure runs f while sampling the heap, and logs and returns the time
// it took and the peak heap in use above the heap before it.
func measure(t *testing.T, name string, f func()) (elapsed time.Duration, peak uint64) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var max atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > max.Load() {
				max.Store(m.HeapInuse - base)
			}
			select {
			case <-stop:
				return
			case <-tk.C:
			}
		}
	}()
	start := time.Now()
	f()
	elapsed = time.Since(start)
	close(stop)
	<-done
	peak = max.Load()
	t.Logf("figures: %s: %v, peak heap +%.1f MiB", name, elapsed.Round(time.Millisecond), float64(peak)/(1<<20))
	return elapsed, peak
}

// TestHostileBodies: a body that never ends is cut at MaxBodyBytes, one
// that drips a byte at a time and headers that never come are cut by the
// Timeout (body included), and none of them is stored; the rest of the
// site is crawled, in bounded time and memory.
func TestHostileBodies(t *testing.T) {
	s := newSite(t)
	s.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := []byte(strings.Repeat("<p>Encore une ligne sans fin.</p>\n", 1000))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	s.HandleFunc("/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><title>Goutte à goutte</title></head><body><p>"))
		for r.Context().Err() == nil {
			if _, err := w.Write([]byte("a")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(20 * time.Millisecond)
		}
	})
	s.HandleFunc("/no-headers", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	})
	s.html("/ok", "Une page normale", "Une page du site qui répond normalement, avec son texte.")
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/endless", "/drip", "/no-headers", "/ok")
	st := openStore(t)
	cfg := s.config()
	cfg.MaxBodyBytes = 1 << 20
	cfg.Timeout = 3 * time.Second // ample for the normal pages on a loaded machine
	cfg.Retries = -1
	var stats crawler.Stats
	_, peak := measure(t, "endless, dripping and headerless bodies", func() { stats, _ = crawl(t, cfg, st) })
	t.Logf("%+v", stats)
	for _, p := range []string{"/endless", "/drip", "/no-headers"} {
		if pageAt(t, st, s.URL(p)) != nil {
			t.Errorf("%s: stored", p)
		}
	}
	if pageAt(t, st, s.URL("/ok")) == nil {
		t.Errorf("the normal page was not stored")
	}
	if stats.Errors != 2 { // drip and no-headers time out; endless is skipped as too large
		t.Errorf("%d errors, want 2 (the timeouts): %+v", stats.Errors, stats)
	}
	if peak > 64<<20 {
		t.Errorf("peak heap +%d MiB reading bodies capped at 1 MiB", peak>>20)
	}
}

// TestHostileSitemapLoops: sitemap indexes that list themselves and each
// other, nested deeper than the limit, are each fetched once; the pages
// they list are crawled and the crawl ends.
func TestHostileSitemapLoops(t *testing.T) {
	s := newSite(t)
	index := func(path string, children ...string) {
		s.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			var b strings.Builder
			b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			for _, c := range children {
				fmt.Fprintf(&b, "<sitemap><loc>%s</loc></sitemap>", s.URL(c))
			}
			b.WriteString("</sitemapindex>")
			w.Write([]byte(b.String()))
		})
	}
	index("/sm-a.xml", "/sm-a.xml", "/sm-b.xml")
	index("/sm-b.xml", "/sm-a.xml", "/sm-c.xml", "/sm-b.xml")
	index("/sm-c.xml", "/sm-b.xml", "/sm-pages.xml")
	// An ever-deeper chain of indexes: /deep/1.xml → /deep/2.xml → …
	s.HandleFunc("/deep/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/deep/%d.xml", &n)
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>%s</loc></sitemap></sitemapindex>`,
			s.URL(fmt.Sprintf("/deep/%d.xml", n+1)))
	})
	s.HandleFunc("/sm-pages.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s</loc></url></urlset>`, s.URL("/cachee"))
	})
	s.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nAllow: /\nSitemap: %s\nSitemap: %s\n", s.URL("/sm-a.xml"), s.URL("/deep/1.xml"))
	})
	s.html("/cachee", "Une page du sitemap", "Une page que seul le sitemap connaît.")
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.")
	st := openStore(t)
	cfg := s.config()
	var stats crawler.Stats
	measure(t, "looping sitemap indexes", func() { stats, _ = crawl(t, cfg, st) })
	for _, p := range []string{"/sm-a.xml", "/sm-b.xml", "/sm-c.xml", "/sm-pages.xml"} {
		if n := s.Hits(p); n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	if pageAt(t, st, s.URL("/cachee")) == nil {
		t.Errorf("the page listed by the looping indexes was not stored: %+v", stats)
	}
	deep := 0
	for n := 1; n < 100; n++ {
		deep += s.Hits(fmt.Sprintf("/deep/%d.xml", n))
	}
	if deep > 5 {
		t.Errorf("%d nested sitemap indexes fetched, want at most the nesting limit", deep)
	}
}

// TestHostileRedirectsOut: redirects to another port of the same address,
// to another host name of it, and a chain that comes back through another
// port, never leave the scope: the other servers get no request and
// nothing of theirs is stored.
func TestHostileRedirectsOut(t *testing.T) {
	other := newSite(t)
	other.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Ailleurs", "Une page d'un autre serveur."))
	})
	s := newSite(t)
	_, port, _ := strings.Cut(strings.TrimPrefix(other.srv.URL, "http://"), ":")
	redirect := func(from, to string, code int) {
		s.HandleFunc(from, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, code) })
	}
	redirect("/port", other.URL("/secret"), http.StatusFound)
	redirect("/name", "http://localhost:"+port+"/secret", http.StatusMovedPermanently)
	redirect("/hop1", "/hop2", http.StatusMovedPermanently)
	redirect("/hop2", other.URL("/back?to="+s.URL("/fin")), http.StatusTemporaryRedirect)
	redirect("/scheme", "ftp://"+strings.TrimPrefix(s.URL("/x"), "http://"), http.StatusFound)
	redirect("/userinfo", "http://user:pass@"+strings.TrimPrefix(other.URL("/"), "http://"), http.StatusFound)
	s.html("/fin", "Fin", "La fin de la chaîne, jamais atteinte par l'autre serveur.")
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/port", "/name", "/hop1", "/scheme", "/userinfo")
	st := openStore(t)
	cfg := s.config()
	var stats crawler.Stats
	measure(t, "redirects out of scope", func() { stats, _ = crawl(t, cfg, st) })
	other.mu.Lock()
	n := len(other.log)
	other.mu.Unlock()
	if n != 0 {
		t.Errorf("the other server got %d requests through redirects", n)
	}
	var stored []string
	if err := st.Pages(context.Background(), func(p *missionsearch.Page) error { stored = append(stored, p.URL); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, u := range stored {
		if !strings.HasPrefix(u, s.srv.URL+"/") {
			t.Errorf("stored a page out of scope: %s", u)
		}
	}
	t.Logf("%+v", stats)
}

// TestHostilePathTraps: a path calendar of empty months, relative links
// that resolve ever deeper against themselves and session ids in paths
// are cut with a reason; nothing of the calendar is a result.
func TestHostilePathTraps(t *testing.T) {
	s := newSite(t)
	s.HandleFunc("/agenda/", func(w http.ResponseWriter, r *http.Request) {
		var y, m int
		fmt.Sscanf(r.URL.Path, "/agenda/%d/%d", &y, &m)
		ny, nm := y, m+1
		if nm > 12 {
			ny, nm = y+1, 1
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page(fmt.Sprintf("Agenda %02d/%d", m, y), "Aucun événement.", fmt.Sprintf("/agenda/%d/%02d", ny, nm)))
	})
	s.HandleFunc("/docs/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Documents", "Les documents de la mission, classés par thème et par année.", "sous/"))
	})
	s.html("/fr/news", "Actualités", "Les actualités de la mission et de ses partenaires.")
	s.html("/", "Accueil", "Bienvenue sur le site de la mission.", "/agenda/2020/01", "/docs/", "/fr/news;jsessionid=0A1B2C3D4E5F")
	st := openStore(t)
	cfg := s.config()
	var stats crawler.Stats
	measure(t, "path calendar, self-deepening links, session ids", func() { stats, _ = crawl(t, cfg, st) })
	calendar := 0
	for _, h := range s.since(0) {
		if strings.HasPrefix(h.path, "/agenda/") {
			calendar++
			if p := pageAt(t, st, s.URL(h.path)); p != nil && p.Type != missionsearch.TypeListing {
				t.Errorf("an empty calendar month was stored as a %s, not a listing: %s", p.Type, h.path)
			}
		}
	}
	if calendar > 2*crawler.DefaultTrapPages {
		t.Errorf("%d calendar months fetched, want the trap cut within about %d", calendar, crawler.DefaultTrapPages)
	}
	if n := s.Hits("/docs/sous/sous/sous/"); n != 0 {
		t.Errorf("a path repeating a segment three times was fetched")
	}
	if s.Hits("/docs/sous/sous/") != 1 {
		t.Errorf("/docs/sous/sous/ fetched %d times, want once (two repeats are allowed)", s.Hits("/docs/sous/sous/"))
	}
	for _, h := range s.since(0) {
		if strings.Contains(h.req.URL.RawPath+h.req.URL.Path, "jsessionid") {
			t.Errorf("a URL with a session id in its path was fetched: %s", h.req.URL)
		}
	}
	reasons := map[string]int{}
	for _, ct := range stats.Cuts {
		reasons[ct.Rule+" "+ct.Key] += ct.Dropped
	}
	t.Logf("%d calendar months fetched; cuts %v", calendar, reasons)
	if reasons["trap-shape repeated path segment"] == 0 || stats.ShapeCut < 1 {
		t.Errorf("cuts %v (shape cut %d), want the repeated segment reported", reasons, stats.ShapeCut)
	}
}
