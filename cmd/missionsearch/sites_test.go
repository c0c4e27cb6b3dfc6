package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/missionsearch/missionsearch/index"
	"github.com/missionsearch/missionsearch/internal/demosite"
	"github.com/missionsearch/missionsearch/internal/wpsite"
	"github.com/missionsearch/missionsearch/server"
)

// breakable serves h, answering 404 for the paths in broken and failing
// every request when down.
type breakable struct {
	h      http.Handler
	mu     sync.Mutex
	broken map[string]bool
	down   bool
}

func (b *breakable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	broken, down := b.broken[r.URL.Path], b.down
	b.mu.Unlock()
	switch {
	case down:
		http.Error(w, "panne", http.StatusServiceUnavailable)
	case broken:
		http.NotFound(w, r)
	default:
		b.h.ServeHTTP(w, r)
	}
}

// TestSites crawls two mission sites declared in the configuration (the
// demo site and the WordPress-shaped one, on two loopback addresses) into
// one data directory and checks the network: a site facet with each
// site's pages, a search scoped to one site, the page's site facet and
// labels; a crawl of one site that would lose more than 10% of its pages
// is refused although the network loses less than 10%, and so is a
// reindex of the store that has the loss; a site that is
// down fails the crawl (exit 1) and leaves every page of both sites
// searchable.
func TestSites(t *testing.T) {
	demo := &breakable{h: demosite.New(), broken: map[string]bool{}}
	wp := wpsite.New()
	tn := &breakable{h: wp, broken: map[string]bool{}}
	ma, tu := httptest.NewServer(demo), httptest.NewServer(tn)
	defer ma.Close()
	defer tu.Close()
	conf := writeConfig(t, fmt.Sprintf(`
[[sites]]
name = "maroc"
label = "OIM Maroc"
start_urls = [%q]
delay = "0s"

[[sites]]
name = "tunisie"
label = "OIM Tunisie"
start_urls = [%q]
delay = "0s"
`, ma.URL+"/", tu.URL+"/"))
	data := t.TempDir()
	crawl := func(args ...string) (int, string, string) {
		t.Helper()
		return runMainEnv(t, nil, append([]string{"--config", conf, "crawl", "--data", data, "--no-pdf"}, args...)...)
	}
	code, out, stderr := crawl()
	if code != 0 || !strings.Contains(out, "crawl maroc: ") || !strings.Contains(out, "crawl tunisie: ") {
		t.Fatalf("crawl of the two sites: exit %d\n%s\n%s", code, out, stderr)
	}

	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Logger: discardLogger()}
	serve := func() (*running, func()) {
		srv, err := startServer(t.Context(), env, serveConfig{data: data, addr: "127.0.0.1:0",
			branding: server.Branding{SiteLabels: map[string]string{"maroc": "OIM Maroc", "tunisie": "OIM Tunisie"}}})
		if err != nil {
			t.Fatal(err)
		}
		return srv, func() { srv.close() }
	}
	type facet struct {
		Value string
		Count int
	}
	type result struct {
		Total  int
		Hits   []struct{ URL, Site string }
		Facets map[string][]facet
	}
	search := func(srv *running, q url.Values) result {
		t.Helper()
		resp, err := http.Get(srv.url + "/api/search?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r result
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
			t.Fatalf("search %v: %d %v", q, resp.StatusCode, err)
		}
		return r
	}
	counts := func(srv *running) map[string]int {
		m := map[string]int{}
		for _, f := range search(srv, url.Values{"size": {"1"}}).Facets["site"] {
			m[f.Value] = f.Count
		}
		return m
	}
	srv, stop := serve()
	before := counts(srv)
	if before["maroc"] < 50 || before["tunisie"] < 20 || len(before) != 2 {
		t.Fatalf("site facet %v, want the two sites with their pages", before)
	}
	all := search(srv, url.Values{"size": {"1"}})
	if all.Total != before["maroc"]+before["tunisie"] {
		t.Errorf("total %d, want the sum of the sites %v", all.Total, before)
	}
	scoped := search(srv, url.Values{"site": {"tunisie"}, "size": {"100"}})
	if scoped.Total != before["tunisie"] {
		t.Errorf("search scoped to tunisie: %d pages, want %d", scoped.Total, before["tunisie"])
	}
	for _, h := range scoped.Hits {
		if h.Site != "tunisie" || !strings.HasPrefix(h.URL, tu.URL) {
			t.Errorf("search scoped to tunisie: hit %s of site %q", h.URL, h.Site)
			break
		}
	}
	resp, err := http.Get(srv.url + "/search?q=migration&site=maroc")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`name="site" value="maroc"`, "OIM Maroc", "OIM Tunisie", `class="hit-site"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page scoped to maroc has no %q", want)
		}
	}
	stop()

	// Some Tunisian posts disappear: more than 10% of the site's
	// documents, less than 10% of the network's.
	d, err := index.OpenDir(data)
	if err != nil {
		t.Fatal(err)
	}
	live, _ := d.Current()
	info, err := d.Info(live)
	if err != nil || info.Sites["tunisie"] == 0 {
		t.Fatalf("the live build counts no page of tunisie: %+v %v", info, err)
	}
	posts := wp.Posts()
	lost := int(info.Sites["tunisie"])/10 + 2
	if lost > len(posts) || float64(lost) >= 0.1*float64(info.Docs) {
		t.Fatalf("the test needs %d posts lost, under 10%% of the network's %d documents (%d posts)", lost, info.Docs, len(posts))
	}
	tn.mu.Lock()
	for _, p := range posts[:lost] {
		tn.broken[p.Path] = true
	}
	tn.mu.Unlock()
	code, _, stderr = crawl("--site", "tunisie", "--max-age", "0")
	if code != 1 || !strings.Contains(stderr, `the site "tunisie" would have`) {
		t.Errorf("a crawl losing %d of the %d documents of tunisie: exit %d, want 1 naming the site; stderr:\n%s", lost, info.Sites["tunisie"], code, stderr)
	}
	if cur, _ := d.Current(); cur != live {
		t.Errorf("the refused crawl published build %s", cur)
	}
	// A rebuild from the store (which has the loss) is refused the same way.
	code, _, stderr = runMainEnv(t, nil, "--config", conf, "reindex", "--data", data)
	if code != 1 || !strings.Contains(stderr, `the site "tunisie" would have`) {
		t.Errorf("reindex after tunisie's loss: exit %d, want 1 naming the site; stderr:\n%s", code, stderr)
	}
	if cur, _ := d.Current(); cur != live {
		t.Errorf("the refused reindex published build %s", cur)
	}

	// Tunisie is down: the crawl of the network fails, maroc is crawled,
	// and every page of both sites stays searchable.
	tn.mu.Lock()
	tn.down = true
	tn.mu.Unlock()
	code, out, stderr = crawl("--max-age", "0")
	if code != 1 || !strings.Contains(out, "crawl maroc: ") || !strings.Contains(stderr, "tunisie") {
		t.Errorf("crawl with tunisie down: exit %d, want 1 after crawling maroc\n%s\n%s", code, out, stderr)
	}
	srv, stop = serve()
	defer stop()
	if after := counts(srv); after["maroc"] != before["maroc"] || after["tunisie"] != before["tunisie"] {
		t.Errorf("after the failed crawls: sites %v, want %v", after, before)
	}
}
