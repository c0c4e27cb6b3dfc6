package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/demosite"
	"github.com/missionsearch/missionsearch/store"
)

// runMain runs the command line args against the data directory with a
// fresh environment and returns the exit code and outputs.
func runMain(tb testing.TB, ctx context.Context, args ...string) (int, string, string) {
	tb.Helper()
	var stdout, stderr lockedBuffer
	getenv := func(string) string { return "" }
	code := Run(ctx, args, getenv, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// lockedBuffer is a bytes.Buffer safe for the concurrent writes of a
// command's log and progress lines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestUsageExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{nil, 2},
		{[]string{"help"}, 0},
		{[]string{"nope"}, 2},
		{[]string{"crawl"}, 2},
		{[]string{"crawl", "--help"}, 0},
		{[]string{"crawl", "--bogus", "http://127.0.0.1/"}, 2},
		{[]string{"reindex", "--max-loss", "2"}, 2},
		{[]string{"search", "--from", "hier"}, 2},
		{[]string{"export", "--format", "xml"}, 2},
		{[]string{"serve", "extra"}, 2},
		{[]string{"eval"}, 2},
		{[]string{"demo", "--help"}, 0},
	}
	for _, tt := range tests {
		code, _, stderr := runMain(t, t.Context(), tt.args...)
		if code != tt.want {
			t.Errorf("missionsearch %q: exit %d, want %d; stderr:\n%s", tt.args, code, tt.want, stderr)
		}
	}
}

// crawledDemo crawls the built-in demo site into a fresh data directory
// with the crawl command, and returns the site and the data directory.
func crawledDemo(tb testing.TB) (*demosite.Site, *httptest.Server, string) {
	tb.Helper()
	site := demosite.New()
	ts := httptest.NewServer(site)
	tb.Cleanup(ts.Close)
	data := tb.TempDir()
	code, stdout, stderr := runMain(tb, context.Background(), "crawl", "--data", data, "--delay", "0", ts.URL+"/")
	if code != 0 {
		tb.Fatalf("crawl: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	return site, ts, data
}

// TestDemoEndToEnd crawls the demo site with the real crawler into the real
// SQLite store, then checks every article is stored once, with its title,
// date and section, and that no menu, footer or sidebar text is in any
// stored body. Then it searches the index built by the crawl.
func TestDemoEndToEnd(t *testing.T) {
	site, ts, data := crawledDemo(t)
	ctx := t.Context()

	st, err := store.Open(ctx, filepath.Join(data, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	byURL := map[string]*missionsearch.Page{}
	err = st.Pages(ctx, func(p *missionsearch.Page) error {
		if prev, ok := byURL[p.URL]; ok {
			t.Errorf("URL %s stored twice (ids %s, %s)", p.URL, prev.ID, p.ID)
		}
		byURL[p.URL] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	articles := site.Articles()
	if len(articles) < 60 {
		t.Fatalf("demo site has %d articles, want ≥ 60", len(articles))
	}
	for _, a := range articles {
		p, ok := byURL[ts.URL+a.Path]
		if !ok {
			t.Errorf("article %s not stored", a.Path)
			continue
		}
		if p.Title != a.Title {
			t.Errorf("%s: title %q, want %q", a.Path, p.Title, a.Title)
		}
		if !p.Published.Equal(a.Published) {
			t.Errorf("%s: published %v, want %v", a.Path, p.Published, a.Published)
		}
		if p.Section != a.Section {
			t.Errorf("%s: section %q, want %q", a.Path, p.Section, a.Section)
		}
		if string(p.Lang) != a.Lang {
			t.Errorf("%s: lang %q, want %q", a.Path, p.Lang, a.Lang)
		}
	}
	for _, p := range byURL {
		for _, b := range site.Boilerplate() {
			if strings.Contains(p.Body, b) {
				t.Errorf("%s: stored body contains boilerplate %q", p.URL, b)
			}
		}
	}

	// The crawl built the index: search it through the HTTP API.
	srv, err := startServer(ctx, &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Logger: discardLogger()},
		serveConfig{data: data, addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	tests := []struct {
		q, mustContain string // a query and a word its hits' text must contain
	}{
		{"reseau", "réseau"},
		{"l'evenement", "événement"},
		{"migrants", "migrant"},
	}
	for _, tt := range tests {
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				ID, URL, Title, Snippet string
			} `json:"hits"`
			Facets map[string][]struct {
				Value string
				Count int
			} `json:"facets"`
		}
		getJSON(t, srv.url+"/api/search?q="+url.QueryEscape(tt.q), &res)
		if res.Total == 0 || len(res.Hits) == 0 {
			t.Errorf("search %q: no hits", tt.q)
			continue
		}
		found := false
		for _, h := range res.Hits {
			if strings.Contains(strings.ToLower(h.Snippet+" "+h.Title), tt.mustContain) {
				found = true
			}
		}
		if !found {
			t.Errorf("search %q: no hit's title or snippet contains %q: %+v", tt.q, tt.mustContain, res.Hits)
		}
		for _, f := range []string{"section", "year", "lang", "tag"} {
			if len(res.Facets[f]) == 0 {
				t.Errorf("search %q: facet %s empty", tt.q, f)
			}
		}
	}
}

func getJSON(tb testing.TB, u string, v any) {
	tb.Helper()
	resp, err := http.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("GET %s: decode: %v", u, err)
	}
}
