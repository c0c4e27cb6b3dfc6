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
	"net/http"
	"strings"
	"testing"

	"missionsearch/crawler"
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
		s.html("/", "Accueil", "Bienvenue.", "/a")
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
		s.html("/", "Accueil", "Bienvenue.", "/a", "/private/x")
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
			bad.html("/", "Accueil", "Bienvenue.", "/a")
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
			s.html("/", "Accueil", "Bienvenue.", "/a", "/private/x")
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
	s.html("/", "Accueil", "Bienvenue.", "/a")
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
	s.html("/", "Accueil", "Liens.", "/zlib", "/raw", "/gzip", "/br")
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
