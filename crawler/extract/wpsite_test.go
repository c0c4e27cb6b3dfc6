package extract

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/missionsearch/missionsearch"
	"github.com/missionsearch/missionsearch/internal/wpsite"
)

// TestWPSiteTypes checks the type Extract decides for every HTML page of
// the WordPress-shaped sample site against its ground truth (the posts
// whose only date is the one their listings show are articles by their
// og:type).
func TestWPSiteTypes(t *testing.T) {
	site := wpsite.New()
	ts := httptest.NewServer(site)
	defer ts.Close()
	types := site.Types()
	counts := map[missionsearch.PageType]int{}
	for _, path := range site.Paths() {
		want := missionsearch.PageType(types[path])
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

// TestWPSiteDates checks the date and its source that Extract finds on
// every post of the WordPress-shaped site: the JSON-LD date (@graph), Open
// Graph, <time datetime>, a French or English byline, a numeric byline day
// first ("05/10/2021" is 5 October), and no date on posts that give none
// of their own (the crawler dates those from their listings).
func TestWPSiteDates(t *testing.T) {
	site := wpsite.New()
	ts := httptest.NewServer(site)
	defer ts.Close()
	wantSource := map[string]string{"jsonld": missionsearch.DateJSONLD, "meta": missionsearch.DateOpenGraph,
		"time": missionsearch.DateTime, "prose": missionsearch.DateProse, "numeric": missionsearch.DateNumeric, "teaser": ""}
	bySource := map[string]int{}
	for _, p := range site.Posts() {
		body, ct := fetch(t, ts, p.Path)
		u, _ := url.Parse(ts.URL + p.Path)
		res, err := Extract(strings.NewReader(body), u, ct, Options{})
		if err != nil {
			t.Fatalf("Extract %s: %v", p.Path, err)
		}
		got := res.Page
		want := p.Published.UTC()
		if p.DateSource == "teaser" {
			if !got.Published.IsZero() {
				t.Errorf("%s (teaser): Published = %v (%s), want none", p.Path, got.Published, got.PublishedSource)
			}
			continue
		}
		sameDay := got.Published.Format("2006-01-02") == p.Published.Format("2006-01-02") ||
			got.Published.Equal(want)
		if !sameDay || got.PublishedSource != wantSource[p.DateSource] {
			t.Errorf("%s (%s): Published = %v from %q, want %v from %q", p.Path, p.DateSource, got.Published, got.PublishedSource, p.Published, wantSource[p.DateSource])
			continue
		}
		bySource[p.DateSource]++
	}
	t.Logf("right by source: %v", bySource)
}
