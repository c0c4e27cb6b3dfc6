package crawler_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// etagPage registers at path an HTML page with a strong ETag that answers
// 304 to a matching If-None-Match.
func (s *site) etagPage(path, title, body string, links ...string) {
	tag := fmt.Sprintf(`"%x"`, len(path)*7919+len(body))
	s.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page(title, body, links...))
	})
}

// lastRequest returns the last request s received for path, failing the
// test when there is none.
func (s *site) lastRequest(t *testing.T, path string) *http.Request {
	t.Helper()
	r := s.requests(path)
	if len(r) == 0 {
		t.Fatalf("%s was never requested", path)
	}
	return r[len(r)-1].req
}

// chainSite serves / (no validators) -> /a -> /b -> /c, the last three
// with ETags and 304s.
func chainSite(t *testing.T) *site {
	s := newSite(t)
	s.html("/", "Accueil", "La page d'accueil du site.", "/a")
	s.etagPage("/a", "Page A", "La page A mène à la page B.", "/b")
	s.etagPage("/b", "Page B", "La page B mène à la page C.", "/c")
	s.etagPage("/c", "Page C", "La page C ne mène nulle part.")
	return s
}

// TestResumeAfter304: a crawl stopped after storing /a, before fetching
// the pages /a links to, is resumed by the next crawl, which does not
// fetch /a again (it is not due): the links stored with /a's state are
// queued as if /a had been fetched, so /b and /c are stored. A day later
// every page is due and answers 304 to a conditional request, and the
// site is still walked to its end through the stored links.
func TestResumeAfter304(t *testing.T) {
	s := chainSite(t)
	st := openStore(t)
	cfg := s.config()
	cfg.Concurrency = 1
	cfg.BoilerplatePages = -1 // learning asks for every page in full
	cfg.MaxPages = 2          // / and /a: the crawl stops before /b
	stats, _ := crawl(t, cfg, st)
	if pageAt(t, st, s.URL("/a")) == nil || pageAt(t, st, s.URL("/b")) != nil {
		t.Fatalf("first crawl: want /a stored and /b not; %+v", stats)
	}
	if sta, _ := state(t, st, s.URL("/a")); !slices.Equal(sta.Links, []string{s.URL("/"), s.URL("/b")}) {
		t.Errorf("state of /a: Links %q, want / and /b", sta.Links)
	}

	cfg.MaxPages = 0
	stats, _ = crawl(t, cfg, st)
	t.Logf("resumed: %+v", stats)
	if n := s.Hits("/a"); n != 1 {
		t.Errorf("/a fetched %d times, want once: the resumed crawl fetched it again", n)
	}
	for _, p := range []string{"/", "/a", "/b", "/c"} {
		if pageAt(t, st, s.URL(p)) == nil {
			t.Errorf("%s not stored after the resumed crawl", p)
		}
	}
	if stats.Stored != 2 || stats.Unchanged != 1 || stats.Fresh != 1 {
		t.Errorf("resumed crawl: %+v, want 2 stored (/b, /c), 1 unchanged (/), 1 fresh (/a)", stats)
	}

	// A day later: every page is due and answers 304 but /, and the site
	// is still walked to its end.
	stats, _ = crawlAt(t, cfg, st, nextDay())
	if r := s.lastRequest(t, "/a"); r.Header.Get("If-None-Match") == "" {
		t.Errorf("/a asked for without If-None-Match a day later")
	}
	if sta, _ := state(t, st, s.URL("/a")); sta.Status != http.StatusNotModified || len(sta.Links) != 2 {
		t.Errorf("state of /a after its 304: %+v, want status 304 and its two links kept", sta)
	}
	if s.Hits("/c") != 2 || stats.Unchanged != 4 || stats.Stored != 0 {
		t.Errorf("a day later: %+v, /c hit %d times; want 4 unchanged, /c asked for again", stats, s.Hits("/c"))
	}
	if r := s.lastRequest(t, "/c"); r.Header.Get("If-None-Match") == "" {
		t.Errorf("/c asked for without If-None-Match on the third crawl")
	}
}

// TestStateWithoutLinks: a state stored before links were recorded (nil
// Links, as the store migration leaves them) is not asked for
// conditionally, so the page's links are found and recorded.
func TestStateWithoutLinks(t *testing.T) {
	s := chainSite(t)
	st := openStore(t)
	cfg := s.config()
	cfg.BoilerplatePages = -1
	cfg.MaxPages = 2
	crawl(t, cfg, st)
	old, _ := state(t, st, s.URL("/a"))
	old.Links = nil
	if err := st.PutState(t.Context(), old); err != nil {
		t.Fatal(err)
	}

	cfg.MaxPages = 0
	stats, _ := crawl(t, cfg, st)
	if r := s.lastRequest(t, "/a"); r.Header.Get("If-None-Match") != "" {
		t.Errorf("/a with unknown links asked for with If-None-Match %q", r.Header.Get("If-None-Match"))
	}
	if sta, _ := state(t, st, s.URL("/a")); sta.Status != http.StatusOK || len(sta.Links) != 2 {
		t.Errorf("state of /a: %+v, want status 200 and two links", sta)
	}
	if pageAt(t, st, s.URL("/c")) == nil {
		t.Errorf("/c not stored: %+v", stats)
	}
}

// TestLearningFetchesInFull: a site of fewer pages than the sample keeps
// what its crawl learned from all of them, so the next day's crawl asks
// conditionally; once the template is MaxAge old it is learned again, and
// while it is, pages are asked for without validators, so that the crawl
// learns from HTML as the first one did.
func TestLearningFetchesInFull(t *testing.T) {
	s := chainSite(t)
	st := openStore(t)
	cfg := s.config() // BoilerplatePages 30: the four pages never complete the sample
	t0 := time.Now()
	crawlAt(t, cfg, st, t0)
	crawlAt(t, cfg, st, t0.Add(22*time.Hour))
	for _, p := range []string{"/a", "/b", "/c"} {
		if r := s.lastRequest(t, p); r.Header.Get("If-None-Match") == "" {
			t.Errorf("%s asked for without If-None-Match the next day: the small site's template was not kept", p)
		}
	}
	stats, _ := crawlAt(t, cfg, st, t0.Add(8*24*time.Hour))
	for _, p := range []string{"/a", "/b", "/c"} {
		if r := s.lastRequest(t, p); r.Header.Get("If-None-Match") != "" {
			t.Errorf("%s asked for with If-None-Match while learning again", p)
		}
	}
	if stats.Unchanged != 4 || stats.Stored != 0 {
		t.Errorf("crawl after max_age: %+v, want 4 unchanged", stats)
	}
}

// TestStatesRecordLinks: every state stored for an HTML page answering
// 200 records its followable links (nofollow, duplicate, canonical alias
// and canonical pages included), other 200s record none, and a redirect
// records its target in Location and no links.
func TestStatesRecordLinks(t *testing.T) {
	s := newSite(t)
	other := newSite(t)
	s.html("/plain", "Simple", "Une page ordinaire avec des liens.",
		"/dup-a", "/plain#ancre", other.URL("/dehors"), "/agenda?month=2024-05", "mailto:a@b.c")
	s.HandleFunc("/nofollow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("X-Robots-Tag", "nofollow")
		fmt.Fprint(w, page("Sans suivi", "Une page qui demande de ne pas suivre ses liens.", "/plain"))
	})
	same := page("Doublon", "Exactement le même contenu sous deux adresses.", "/plain")
	for _, p := range []string{"/dup-a", "/dup-b"} {
		s.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, same)
		})
	}
	s.HandleFunc("/node/7", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		p := page("Sept", "Le septième article, sous son alias.", "/plain")
		fmt.Fprint(w, strings.Replace(p, "</head>", `<link rel="canonical" href="/news/sept"></head>`, 1))
	})
	s.HandleFunc("/rapport.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4"))
	})
	s.HandleFunc("/ancien", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/plain?utm_source=x", http.StatusMovedPermanently)
	})
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/plain", "/nofollow", "/dup-a", "/dup-b", "/node/7", "/rapport.pdf", "/ancien")

	st := openStore(t)
	cfg := s.config()
	cfg.Concurrency = 1
	stats, _ := crawl(t, cfg, st)
	t.Logf("%+v", stats)
	u := s.URL
	tests := []struct {
		path     string
		links    []string // nil: want nil
		location string
	}{
		{"/plain", []string{u("/"), u("/dup-a"), u("/plain")}, ""}, // no other host, no trap, no mailto
		{"/nofollow", []string{}, ""},
		{"/dup-a", []string{u("/"), u("/plain")}, ""},
		{"/dup-b", []string{u("/"), u("/plain")}, ""},
		{"/node/7", []string{u("/"), u("/plain")}, ""},
		{"/news/sept", []string{u("/"), u("/plain")}, ""},
		{"/rapport.pdf", []string{}, ""},
		{"/ancien", nil, u("/plain")},
	}
	for _, tt := range tests {
		sta, ok := state(t, st, u(tt.path))
		if !ok {
			t.Errorf("%s: no state", tt.path)
			continue
		}
		if !slices.Equal(sta.Links, tt.links) || (sta.Links == nil) != (tt.links == nil) {
			t.Errorf("%s: Links %#v, want %#v", tt.path, sta.Links, tt.links)
		}
		if sta.Location != tt.location {
			t.Errorf("%s: Location %q, want %q", tt.path, sta.Location, tt.location)
		}
	}
}

// TestRedirectOfStoredPage: a stored page that starts to redirect is gone
// once checked (a day later), and its state records the target and no
// links.
func TestRedirectOfStoredPage(t *testing.T) {
	s := newSite(t)
	var moved atomic.Bool
	s.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		if moved.Load() {
			http.Redirect(w, r, "/nouvelle", http.StatusPermanentRedirect)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Page", "Une page qui va déménager.", "/"))
	})
	s.html("/nouvelle", "Nouvelle", "La nouvelle adresse de la page.")
	s.html("/", "Accueil", "Les liens vers les pages du site.", "/page")
	st := openStore(t)
	cfg := s.config()
	crawl(t, cfg, st)
	if sta, _ := state(t, st, s.URL("/page")); len(sta.Links) != 1 || sta.Location != "" {
		t.Fatalf("state before the move: %+v", sta)
	}
	moved.Store(true)
	stats, _ := crawlAt(t, cfg, st, nextDay())
	sta, _ := state(t, st, s.URL("/page"))
	if !sta.Gone || sta.Status != http.StatusPermanentRedirect || sta.Location != s.URL("/nouvelle") || sta.Links != nil {
		t.Errorf("state after the move: %+v, want gone, 308, Location /nouvelle, nil Links", sta)
	}
	if stats.Gone != 1 || pageAt(t, st, s.URL("/nouvelle")) == nil {
		t.Errorf("after the move: %+v; want 1 gone and /nouvelle stored", stats)
	}
}
