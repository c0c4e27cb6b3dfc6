package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/missionsearch/missionsearch/analytics"
	"github.com/missionsearch/missionsearch/internal/testindex"
)

// BenchmarkSearchHTTP measures searches through the whole handler
// (middleware, parameter parsing, search, JSON or HTML) over the fixture
// index, without the network.
//
//	go test ./server -run '^$' -bench SearchHTTP -count 6 -benchmem | tee new.txt; benchstat old.txt new.txt
func BenchmarkSearchHTTP(b *testing.B) {
	f := newFixture(b, Config{})
	h := f.srv.Handler()
	cases := []struct {
		name, target string
		gzip         bool
	}{
		{"api/words", "/api/search?q=migration", false},
		{"api/words-gzip", "/api/search?q=migration", true},
		{"api/phrase-filters", "/api/search?q=%22traite+des+etres%22&section=news&section=stories&year=2021", false},
		{"api/typo", "/api/search?q=migratoin", false},
		{"api/browse-date", "/api/search?sort=date&size=50", false},
		{"suggest", "/api/suggest?q=mig", false},
		{"page/results", "/search?q=migration", false},
		{"page/staff", "/search?q=emploi&view=liste", false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, c.target, nil)
				if c.gzip {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
					b.Fatalf("GET %s = %d", c.target, rec.Code)
				}
			}
		})
	}
}

// BenchmarkSearchAnalytics measures the search page and the API with the
// analytics off and on (a Recorder writing to SQLite in the background),
// side by side so that the machine's noise hits both alike: "serial" is
// the time of one search (the request path: recording queues an event),
// "parallel" the throughput with every core searching, where the writer
// takes its CPU from the searches. The figures are in the README's
// "Search analytics" section.
//
//	go test ./server -run '^$' -bench SearchAnalytics -count 6 -cpu 2
func BenchmarkSearchAnalytics(b *testing.B) {
	rec, err := analytics.Open(context.Background(), filepath.Join(b.TempDir(), "analytics.db"), analytics.Options{})
	if err != nil {
		b.Fatal(err)
	}
	searcher, closeIdx := testindex.Open(b, fixturePages())
	handlers := map[string]http.Handler{
		"off": newFixtureWith(b, Config{}, searcher, closeIdx).srv.Handler(),
		"on":  newFixtureWith(b, Config{Analytics: rec}, searcher, closeIdx).srv.Handler(),
	}
	for _, c := range []struct{ name, target string }{
		{"page", "/search?q=migration"},
		{"api", "/api/search?q=emploi+jeunes&section=news"},
	} {
		get := func(b *testing.B, h http.Handler) {
			rr := httptest.NewRecorder()
			h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, c.target, nil))
			if rr.Code != http.StatusOK {
				b.Fatalf("GET %s = %d", c.target, rr.Code)
			}
		}
		for _, mode := range []string{"serial", "parallel"} {
			for _, state := range []string{"off", "on"} {
				h := handlers[state]
				b.Run(c.name+"/"+mode+"/"+state, func(b *testing.B) {
					b.ReportAllocs()
					if mode == "serial" {
						for b.Loop() {
							get(b, h)
						}
						return
					}
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							get(b, h)
						}
					})
				})
			}
		}
	}
	if err := rec.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("analytics on: %d events recorded, %d dropped", rec.Recorded(), rec.Dropped())
}
