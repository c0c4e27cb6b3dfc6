package extract

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/demosite"
)

// fetch GETs path from ts and returns the response body and Content-Type.
func fetch(t testing.TB, ts *httptest.Server, path string) (string, string) {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	return string(b), resp.Header.Get("Content-Type")
}

// TestDemositeArticles extracts every article of the demo site and compares
// the result with the site's ground truth.
func TestDemositeArticles(t *testing.T) {
	site := demosite.New()
	ts := httptest.NewServer(site)
	defer ts.Close()
	for _, a := range site.Articles() {
		t.Run(strings.TrimPrefix(a.Path, "/"), func(t *testing.T) {
			body, ct := fetch(t, ts, a.Path)
			u, _ := url.Parse(ts.URL + a.Path)
			res, err := Extract(strings.NewReader(body), u, ct, Options{})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			p := res.Page
			if p.Title != a.Title {
				t.Errorf("Title = %q, want %q", p.Title, a.Title)
			}
			if !p.Published.Equal(a.Published) {
				t.Errorf("Published = %v, want %v", p.Published, a.Published)
			}
			if !p.Updated.Equal(a.Updated) {
				t.Errorf("Updated = %v, want %v", p.Updated, a.Updated)
			}
			if string(p.Lang) != a.Lang {
				t.Errorf("Lang = %q, want %q (lang attr: %v)", p.Lang, a.Lang, a.HasLangAttr)
			}
			if p.Section != a.Section {
				t.Errorf("Section = %q, want %q", p.Section, a.Section)
			}
			if want := ts.URL + a.Path; res.Canonical != want || p.URL != want {
				t.Errorf("Canonical = %q, URL = %q, want %q", res.Canonical, p.URL, want)
			}
			if p.Description != a.Description {
				t.Errorf("Description = %q, want %q", p.Description, a.Description)
			}
			if strings.Join(p.Tags, "|") != strings.Join(a.Tags, "|") {
				t.Errorf("Tags = %q, want %q", p.Tags, a.Tags)
			}
			if strings.Join(res.Blocks, "\n") != strings.Join(a.Body, "\n") {
				t.Errorf("Blocks differ from the article body:\n got %q\nwant %q", res.Blocks, a.Body)
			}
			for _, bp := range site.BoilerplateFor(a.Lang) {
				if strings.Contains(p.Body, bp) {
					t.Errorf("Body contains boilerplate %q", bp)
				}
			}
			if len(res.Links) == 0 {
				t.Errorf("no links")
			}
		})
	}
}

// TestDemositeAllPages extracts every page of the demo site (listings, home
// pages, menu pages, the broken page) and checks that no boilerplate phrase
// reaches a body and that every page has a title and a language.
func TestDemositeAllPages(t *testing.T) {
	site := demosite.New()
	ts := httptest.NewServer(site)
	defer ts.Close()
	all := site.Boilerplate()
	for _, path := range append(site.Paths(), demosite.BrokenPath, demosite.ResourcesPath) {
		body, ct := fetch(t, ts, path)
		u, _ := url.Parse(ts.URL + path)
		res, err := Extract(strings.NewReader(body), u, ct, Options{})
		if err != nil {
			t.Errorf("Extract(%s): %v", path, err)
			continue
		}
		if res.Page.Title == "" || res.Page.Body == "" {
			t.Errorf("Extract(%s): Title = %q, Body = %q; want both non-empty", path, res.Page.Title, res.Page.Body)
		}
		if !res.Page.Lang.Valid() {
			t.Errorf("Extract(%s).Lang = %q", path, res.Page.Lang)
		}
		for _, bp := range all {
			if strings.Contains(res.Page.Body, bp) {
				t.Errorf("Extract(%s).Body contains boilerplate %q", path, bp)
			}
		}
	}
}

// TestDemositeTypes checks the type Extract decides for every HTML page of
// the demo site: its articles are articles, its home pages, section lists,
// tag pages and their ?page=N pages are listings, and its menu and basic
// pages are static.
func TestDemositeTypes(t *testing.T) {
	site := demosite.New()
	ts := httptest.NewServer(site)
	defer ts.Close()
	articles := map[string]bool{}
	for _, a := range site.Articles() {
		articles[a.Path] = true
	}
	counts := map[missionsearch.PageType]int{}
	for _, path := range site.Paths() {
		want := missionsearch.TypeStatic
		switch p, _, _ := strings.Cut(path, "?"); {
		case articles[p]:
			want = missionsearch.TypeArticle
		case p == "/" || p == "/fr" || p == "/en" || p == "/ar" || strings.Contains(path, "?page=") || demositeList(p):
			want = missionsearch.TypeListing
		}
		body, ct := fetch(t, ts, path)
		u, _ := url.Parse(ts.URL + path)
		res, err := Extract(strings.NewReader(body), u, ct, Options{})
		if err != nil {
			t.Fatalf("Extract %s: %v", path, err)
		}
		counts[res.Page.Type]++
		if res.Page.Type != want {
			t.Errorf("%s: type %q (%s; %+v), want %q", path, res.Page.Type, res.Signals.Reason, res.Signals, want)
		}
	}
	t.Logf("types: %v", counts)
}

// demositeList reports whether path is one of the demo site's section or
// tag lists: /<lang>/<section> or /<lang>/tags/<slug>.
func demositeList(path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(segs) == 2:
		switch segs[1] {
		case "news", "stories", "press-releases", "events":
			return true
		}
	case len(segs) == 3:
		return segs[1] == "tags"
	}
	return false
}
