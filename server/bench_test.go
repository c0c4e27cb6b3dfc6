package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
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
