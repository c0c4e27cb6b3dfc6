package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzSearchParams sends raw query strings to /api/search, the page and
// the export: whatever the input, the answer is never a 5xx and the
// handler never panics (a panic would be turned into a 500 by the recovery
// middleware, which is caught here too). Seeds are in
// testdata/fuzz/FuzzSearchParams.
//
//	go test ./server -run '^$' -fuzz FuzzSearchParams -fuzztime 1m
func FuzzSearchParams(f *testing.F) {
	for _, s := range []string{
		"", "q=migration", "q=reseau&section=news&section=stories", "q=%22atelier+traite%22+-2021",
		"q=a+OR+b&lang=fr&year=2024&tag=emploi", "from=2024-01-01&to=2023-01-01", "page=3&size=100",
		"after=eyJ2IjoxfQ", "q=%ff", "q=%zz", "sort=date&page=0", "q=l%27%C3%A9v%C3%A8nement",
		"q=%D8%A7%D9%84%D9%87%D8%AC%D8%B1%D8%A9", "q=<script>alert(1)</script>", "size=-1", "page=1e3",
		"q=" + url.QueryEscape("« guillemets » “curly” -\"exclu\""), "year=0000&lang=xx", ";;;&&&==",
	} {
		f.Add(s)
	}
	srv := newFixture(f, Config{}).srv
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/api/search", "/search", "/export"} {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL = &url.URL{Path: path, RawQuery: raw}
			req.RequestURI = path + "?" + raw
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%q = %d: %s", path, raw, rec.Code, rec.Body.String())
			}
		}
	})
}
