package server

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/missionsearch/missionsearch/analytics"
)

// newAnalyticsFixture is the fixture server with a Recorder on a
// database of its own and an admin token.
func newAnalyticsFixture(t testing.TB) (*fixture, *analytics.Recorder) {
	t.Helper()
	rec, err := analytics.Open(context.Background(), filepath.Join(t.TempDir(), "analytics.db"), analytics.Options{Site: "maroc"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rec.Close() })
	return newFixture(t, Config{Analytics: rec, AdminToken: "s3cret"}), rec
}

var clicRE = regexp.MustCompile(`<h2 class="hit-title"><a href="(/clic\?[^"]+)">`)

// TestAnalyticsRecordsAndReports runs searches on the page and the API,
// opens a result through the page's link, and reads them back in the
// JSON, the staff page and the CSV.
func TestAnalyticsRecordsAndReports(t *testing.T) {
	f, _ := newAnalyticsFixture(t)
	bearer := "Authorization: Bearer s3cret"

	page := f.get(t, "/search?q=Migration&section=news")
	links := clicRE.FindAllStringSubmatch(page.body, -1)
	if page.status != 200 || len(links) == 0 {
		t.Fatalf("GET /search = %d with %d /clic links", page.status, len(links))
	}
	link := strings.ReplaceAll(links[0][1], "&amp;", "&")
	u, _ := url.Parse(link)
	if !analytics.ValidID(u.Query().Get("s")) || u.Query().Get("r") != "1" {
		t.Errorf("result link %s: no search id or rank", link)
	}
	open := f.get(t, link)
	if open.status != 303 || !strings.HasPrefix(open.header.Get("Location"), site+"/") {
		t.Fatalf("GET %s = %d to %q", link, open.status, open.header.Get("Location"))
	}
	// A search whose results are not opened, one without results, an API
	// search (with its id in a header), and a second page that is not a
	// search of its own.
	f.get(t, "/search?q=rapport+annuel")
	f.get(t, "/search?q=zzzqqq+introuvable")
	f.get(t, "/search?q=ZZZQQQ++Introuvable")
	api := f.get(t, "/api/search?q=migration")
	if !analytics.ValidID(api.header.Get("X-Search-ID")) {
		t.Errorf("/api/search: X-Search-ID %q", api.header.Get("X-Search-ID"))
	}
	f.get(t, "/search?q=migration&page=2&size=2")

	var rep analytics.Report
	r := f.get(t, "/api/admin/analytics", bearer)
	if r.status != 200 {
		t.Fatalf("GET /api/admin/analytics = %d %s", r.status, r.body)
	}
	r.decode(t, &rep)
	if rep.Searches != 5 || rep.ZeroResults != 2 || rep.Opened != 1 {
		t.Errorf("totals %d searches, %d zero, %d opened; want 5, 2, 1", rep.Searches, rep.ZeroResults, rep.Opened)
	}
	if len(rep.TopQueries) == 0 || rep.TopQueries[0].Query != "migration" || rep.TopQueries[0].Searches != 2 || rep.TopQueries[0].Opened != 1 {
		t.Errorf("top queries %+v", rep.TopQueries)
	}
	if len(rep.ZeroResultQueries) != 1 || rep.ZeroResultQueries[0] != (analytics.QueryStat{Query: "zzzqqq introuvable", Searches: 2, ZeroResults: 2}) {
		t.Errorf("zero-result queries %+v", rep.ZeroResultQueries)
	}
	if len(rep.UnopenedQueries) != 1 || rep.UnopenedQueries[0].Query != "rapport annuel" {
		t.Errorf("unopened queries %+v", rep.UnopenedQueries)
	}
	if len(rep.Sites) != 1 || rep.Sites[0].Key != "maroc" || len(rep.Weeks) != 1 {
		t.Errorf("sites %+v weeks %+v", rep.Sites, rep.Weeks)
	}
	if !strings.Contains(r.body, `"top_queries":[`) || !strings.Contains(r.body, `"zero_result_queries":[`) {
		t.Errorf("JSON lacks top_queries or zero_result_queries: %s", r.body)
	}

	// The staff page, with the token as a Basic password.
	basic := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("staff:s3cret"))
	sp := f.get(t, "/admin/analytics", basic, "Accept: text/html")
	contains(t, "staff page", sp.body, "Statistiques de recherche", "<th scope=\"row\" dir=\"auto\">migration</th>",
		"zzzqqq introuvable", "rapport annuel", "maroc", `href="/admin/analytics.csv?report=top"`, "<meter")
	if sp.status != 200 || sp.header.Get("Cache-Control") != "no-store" {
		t.Errorf("staff page = %d, Cache-Control %q", sp.status, sp.header.Get("Cache-Control"))
	}

	// The CSV, from the page's link and from the API.
	for _, target := range []string{"/admin/analytics.csv?report=zero", "/api/admin/analytics?format=csv&report=zero"} {
		c := f.get(t, target, basic)
		if c.status != 200 || !strings.HasPrefix(c.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("GET %s = %d %s", target, c.status, c.body)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.body, "\uFEFF"))).ReadAll()
		if err != nil || len(recs) != 2 || recs[1][0] != "zzzqqq introuvable" || recs[1][1] != "2" {
			t.Errorf("%s: %v %q", target, err, recs)
		}
	}
	c := f.get(t, "/admin/analytics.csv", basic)
	if n := strings.Count(c.body, "\n"); n != 1+6 || !strings.Contains(c.body, "migration,section=news,maroc,fr,") {
		t.Errorf("searches CSV: %d lines\n%s", n, c.body)
	}
}

// TestAnalyticsAuth: the staff endpoints need the admin token, and the
// page asks browsers for it.
func TestAnalyticsAuth(t *testing.T) {
	f, _ := newAnalyticsFixture(t)
	wrongBasic := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("staff:nope"))
	for _, c := range []struct {
		target  string
		headers []string
		status  int
	}{
		{"/admin/analytics", []string{"Accept: text/html"}, 401},
		{"/admin/analytics", []string{"Accept: text/html", wrongBasic}, 401},
		{"/admin/analytics.csv", nil, 401},
		{"/api/admin/analytics", nil, 401},
		{"/api/admin/analytics", []string{"Authorization: Bearer nope"}, 403},
		{"/api/admin/analytics", []string{wrongBasic}, 403},
		{"/api/admin/analytics?days=-1", []string{"Authorization: Bearer s3cret"}, 400},
		{"/api/admin/analytics?format=xml", []string{"Authorization: Bearer s3cret"}, 400},
		{"/api/admin/analytics?format=csv&report=nope", []string{"Authorization: Bearer s3cret"}, 400},
		{"/admin/analytics?days=x", []string{"Authorization: Bearer s3cret"}, 400},
		{"/api/admin/analytics?days=0&site=maroc", []string{"Authorization: Bearer s3cret"}, 200},
	} {
		r := f.get(t, c.target, c.headers...)
		if r.status != c.status {
			t.Errorf("GET %s %v = %d, want %d: %s", c.target, c.headers, r.status, c.status, r.body)
		}
		if r.status == 401 && strings.HasPrefix(c.target, "/admin/") && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Basic ") {
			t.Errorf("GET %s: 401 without a Basic challenge", c.target)
		}
	}
	r := f.get(t, "/admin/analytics", "Accept: text/html")
	contains(t, "401 page", r.body, "réservée au personnel")

	// Without a token or without a Recorder: 404, and the page links
	// straight to the results.
	for _, cfg := range []Config{{}, {AdminToken: "s3cret"}} {
		off := newFixture(t, cfg)
		for _, p := range []string{"/admin/analytics", "/admin/analytics.csv", "/api/admin/analytics"} {
			if r := off.get(t, p, "Authorization: Bearer s3cret"); r.status != 404 {
				t.Errorf("analytics off: GET %s = %d", p, r.status)
			}
		}
		if body := off.get(t, "/search?q=migration").body; strings.Contains(body, "/clic?") || !strings.Contains(body, `<a href="`+site+`/`) {
			t.Errorf("analytics off: the page links through /clic")
		}
	}
}

// TestOpenIsNoOpenRedirect: /clic only ever redirects to a page of the
// index, by its id.
func TestOpenIsNoOpenRedirect(t *testing.T) {
	f, rec := newAnalyticsFixture(t)
	for _, target := range []string{
		"/clic?s=0123456789abcdef&d=nope",
		"/clic?s=0123456789abcdef",
		"/clic?s=0123456789abcdef&d=" + url.QueryEscape("https://evil.example/"),
		"/clic?u=https://evil.example/&d=x",
	} {
		r := f.get(t, target)
		if r.status < 400 || r.header.Get("Location") != "" {
			t.Errorf("GET %s = %d, Location %q", target, r.status, r.header.Get("Location"))
		}
	}
	// A known page with a bogus search id still opens, and records nothing.
	var res searchJSON
	f.get(t, "/api/search?q=fatima").decode(t, &res)
	if len(res.Hits) == 0 {
		t.Fatal("no hit for fatima")
	}
	r := f.get(t, "/clic?s=bogus&d="+res.Hits[0].ID)
	if r.status != 303 || r.header.Get("Location") != res.Hits[0].URL {
		t.Errorf("GET /clic of %s = %d to %q", res.Hits[0].URL, r.status, r.header.Get("Location"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := rec.Report(ctx, analytics.Period{})
	if err != nil || rep.Opened != 0 || rep.Searches != 1 {
		t.Errorf("after a bogus open: %v %+v", err, rep)
	}
}

// TestAnalyticsSkipsHome: the home page and a search of nothing are not
// searches; browsing by a filter is.
func TestAnalyticsSkipsHome(t *testing.T) {
	f, rec := newAnalyticsFixture(t)
	f.get(t, "/")
	f.get(t, "/fr/")
	f.get(t, "/api/search")
	f.get(t, "/search?section=news")
	if body := f.get(t, "/").body; strings.Contains(body, "/clic?") {
		t.Error("the home page links its hits through /clic")
	}
	ctx := context.Background()
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := rec.Report(ctx, analytics.Period{})
	if err != nil || rep.Searches != 1 || rep.WithWords != 0 {
		t.Errorf("%v %+v; want the one browse by section", err, rep)
	}
}
