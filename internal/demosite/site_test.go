package demosite

import (
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// get fetches path from ts without following redirects and returns the
// response and its body.
func get(t *testing.T, ts *httptest.Server, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", path, err)
	}
	return resp, string(b)
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

var hrefRE = regexp.MustCompile(`<a [^>]*href="([^"]*)"`)

// links returns the decoded href values of the <a> elements of page.
func links(page string) []string {
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func newServer(t *testing.T) (*Site, *httptest.Server) {
	t.Helper()
	s := New()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func TestArticlesGroundTruth(t *testing.T) {
	arts := New().Articles()
	count := map[string]int{}
	years := map[int]bool{}
	seen := map[string]bool{}
	noTime, noLang := 0, 0
	for _, a := range arts {
		count[a.Lang]++
		count[a.Lang+"/"+a.Section]++
		years[a.Published.Year()] = true
		if seen[a.Path] {
			t.Errorf("%s: duplicate path", a.Path)
		}
		seen[a.Path] = true
		if want := "/" + a.Lang + "/" + a.Section + "/"; !strings.HasPrefix(a.Path, want) {
			t.Errorf("%s: lang %q section %q do not match the path", a.Path, a.Lang, a.Section)
		}
		if a.Title == "" || strings.Contains(a.Title, "|") {
			t.Errorf("%s: bad title %q", a.Path, a.Title)
		}
		if len(a.Body) < 3 {
			t.Errorf("%s: %d body blocks, want ≥ 3", a.Path, len(a.Body))
		}
		if len(a.Tags) == 0 || a.Description == "" {
			t.Errorf("%s: no tags or no description", a.Path)
		}
		if a.Published.Location() != time.UTC || a.Published.Hour() != 0 || a.Published.Year() < 2016 || a.Published.Year() > 2025 {
			t.Errorf("%s: Published %v, want a day at 00:00 UTC in 2016–2025", a.Path, a.Published)
		}
		if !a.Updated.IsZero() && !a.Updated.After(a.Published) {
			t.Errorf("%s: Updated %v not after Published %v", a.Path, a.Updated, a.Published)
		}
		if !a.HasTime {
			noTime++
			if a.Lang != "fr" {
				t.Errorf("%s: only French pages may lack <time> (their dateline is French)", a.Path)
			}
		}
		if !a.HasLangAttr {
			noLang++
		}
	}
	if count["fr"] < 60 || count["en"] < 5 || count["ar"] < 4 {
		t.Errorf("articles per language = %v, want ≥ 60 fr, 5 en, 4 ar", count)
	}
	for _, sec := range []string{"fr/news", "fr/stories", "fr/press-releases", "fr/events", "en/news", "ar/news"} {
		if count[sec] == 0 {
			t.Errorf("no article in %s", sec)
		}
	}
	for y := 2016; y <= 2025; y++ {
		if !years[y] {
			t.Errorf("no article published in %d", y)
		}
	}
	if noTime < 5 {
		t.Errorf("%d articles without <time>, want ≥ 5", noTime)
	}
	if noLang != 2 {
		t.Errorf("%d articles without lang attribute, want 2", noLang)
	}
	for i := 1; i < len(arts); i++ {
		if arts[i].Published.After(arts[i-1].Published) {
			t.Errorf("Articles not newest first at %s", arts[i].Path)
		}
	}
}

// TestSearchFixtures checks the words the search tests rely on.
func TestSearchFixtures(t *testing.T) {
	arts := New().Articles()
	bodyHas := func(pred func(body string) bool) bool {
		for _, a := range arts {
			if pred(strings.Join(a.Body, "\n")) {
				return true
			}
		}
		return false
	}
	singular := regexp.MustCompile(`\bmigrant\b`)
	for _, tt := range []struct {
		what string
		pred func(string) bool
	}{
		{"réseau", func(b string) bool { return strings.Contains(b, "réseau ") }},
		{"événements", func(b string) bool { return strings.Contains(b, "événements") }},
		{"évènement", func(b string) bool { return strings.Contains(b, "évènement") }},
		{"l'événement (elided)", func(b string) bool {
			return strings.Contains(b, "cet événement") || strings.Contains(b, "l'évènement")
		}},
		{"migrant (singular)", singular.MatchString},
		{"migrants", func(b string) bool { return strings.Contains(b, "migrants") }},
		{"migration", func(b string) bool { return strings.Contains(b, "migration") }},
		{"Fès", func(b string) bool { return strings.Contains(b, "Fès") }},
		{"cœur", func(b string) bool { return strings.Contains(b, "cœur") }},
		{"qu'elles", func(b string) bool { return strings.Contains(b, "qu'elles") }},
		{"المغرب", func(b string) bool { return strings.Contains(b, " المغرب ") }},
		{"بالمغرب", func(b string) bool { return strings.Contains(b, "بالمغرب") }},
		{"traite des êtres humains", func(b string) bool { return strings.Contains(b, "traite des êtres humains") }},
		{"Union européenne", func(b string) bool { return strings.Contains(b, "Union européenne") }},
		{"Japon", func(b string) bool { return strings.Contains(b, "Japon") }},
		{"Conseil de l'Europe", func(b string) bool { return strings.Contains(b, "Conseil de l'Europe") }},
		{"ONUDC", func(b string) bool { return strings.Contains(b, "ONUDC") }},
	} {
		if !bodyHas(tt.pred) {
			t.Errorf("no article body has %s", tt.what)
		}
	}
	titleOnly := false
	for _, a := range arts {
		if strings.Contains(strings.ToLower(a.Title), "traite") && !strings.Contains(strings.ToLower(strings.Join(a.Body, " ")), "traite") {
			titleOnly = true
		}
	}
	if !titleOnly {
		t.Error(`no article has "traite" in its title only`)
	}
}

func TestNoBoilerplateInContent(t *testing.T) {
	s := New()
	bp := s.Boilerplate()
	if len(bp) < 30 {
		t.Fatalf("Boilerplate() has %d phrases, want ≥ 30 (three languages)", len(bp))
	}
	check := func(where, text string) {
		for _, p := range bp {
			if len([]rune(p)) < 8 {
				t.Errorf("boilerplate phrase %q is too short to be asserted on", p)
			}
			if strings.Contains(text, p) {
				t.Errorf("%s contains boilerplate %q", where, p)
			}
		}
	}
	for _, a := range s.Articles() {
		check(a.Path+" body", strings.Join(a.Body, "\n"))
		check(a.Path+" title", a.Title)
		check(a.Path+" description", a.Description)
		for _, tag := range a.Tags {
			check(a.Path+" tag", tag)
		}
	}
	for path, p := range s.pages {
		check(path+" body", html.UnescapeString(string(p.bodyHTML))+p.title)
	}
}

func TestArticlePages(t *testing.T) {
	s, ts := newServer(t)
	htmlTag := regexp.MustCompile(`<html[^>]*>`)
	for _, a := range s.Articles() {
		resp, body := get(t, ts, a.Path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", a.Path, resp.Status)
			continue
		}
		text := html.UnescapeString(body)
		plain := html.UnescapeString(tagRE.ReplaceAllString(body, ""))
		for _, p := range s.BoilerplateFor(a.Lang) {
			if !strings.Contains(text, p) {
				t.Errorf("%s: boilerplate %q missing", a.Path, p)
			}
		}
		for _, b := range a.Body {
			if !strings.Contains(plain, b) {
				t.Errorf("%s: body block %q missing", a.Path, b)
			}
		}
		for _, want := range []string{
			"<title>" + a.Title + " | AIM Maroc</title>",
			`<link rel="canonical" href="` + ts.URL + a.Path + `" />`,
			`<meta name="description" content="` + a.Description + `" />`,
			`<article `, `class="node node--type-`, `field--name-body`, `field--name-field-tags`,
			`<div id="share"`, `block-views-blockrecent`, `<header role="banner"`, `<footer role="contentinfo"`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: missing %q", a.Path, want)
			}
		}
		for _, tag := range a.Tags {
			if !strings.Contains(text, `hreflang="`+a.Lang+`">`+tag+`</a>`) {
				t.Errorf("%s: tag link %q missing", a.Path, tag)
			}
		}
		root := htmlTag.FindString(body)
		if got := strings.Contains(root, ` lang="`+a.Lang+`"`); got != a.HasLangAttr {
			t.Errorf("%s: <html> = %s, HasLangAttr = %v", a.Path, root, a.HasLangAttr)
		}
		if strings.Contains(root, ` lang=`) && !a.HasLangAttr {
			t.Errorf("%s: <html> = %s has a lang", a.Path, root)
		}
		if (a.Lang == "ar") != strings.Contains(root, `dir="rtl"`) {
			t.Errorf("%s: <html> = %s", a.Path, root)
		}
		if got := strings.Contains(body, "<time datetime="); got != a.HasTime {
			t.Errorf("%s: has <time> = %v, want %v", a.Path, got, a.HasTime)
		}
		if got := strings.Contains(body, `property="article:published_time"`); got != a.HasMetaDate {
			t.Errorf("%s: has article:published_time = %v, want %v", a.Path, got, a.HasMetaDate)
		}
		if a.HasTime {
			m := regexp.MustCompile(`<time datetime="([^"]+)"`).FindStringSubmatch(body)
			d, err := time.Parse(time.RFC3339, m[1])
			if err != nil {
				d, err = time.Parse(time.DateOnly, m[1])
			}
			if err != nil || !d.Equal(a.Published) {
				t.Errorf("%s: <time datetime=%q>, want %v", a.Path, m[1], a.Published)
			}
		}
		if a.HasMetaDate {
			m := regexp.MustCompile(`article:published_time" content="([^"]+)"`).FindStringSubmatch(body)
			if d, err := time.Parse(time.RFC3339, m[1]); err != nil || !d.Equal(a.Published) {
				t.Errorf("%s: article:published_time %q, want %v", a.Path, m[1], a.Published)
			}
		}
		if !a.HasTime {
			if d, ok := frenchDateline(a.Body[0]); !ok || !d.Equal(a.Published) {
				t.Errorf("%s: no <time>, and the dateline of %q gives %v, want %v", a.Path, a.Body[0], d, a.Published)
			}
		}
	}
}

var datelineRE = regexp.MustCompile(`^[^0-9]*?(\d{1,2})(?:er)? (?:et \d{1,2} )?([a-zéû]+) (\d{4}) –`)

// frenchDateline parses the date of the dateline that starts a French
// paragraph: "Tanger – 01 aout 2024 –", "Beni Mellal, 1er juin 2021 –",
// "Fès, les 10 et 11 avril 2018 –" (the first day).
func frenchDateline(s string) (time.Time, bool) {
	m := datelineRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	months := map[string]time.Month{"janvier": 1, "fevrier": 2, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
		"juillet": 7, "aout": 8, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12, "décembre": 12}
	mon, ok := months[m[2]]
	day, _ := strconv.Atoi(m[1])
	year, _ := strconv.Atoi(m[3])
	return time.Date(year, mon, day, 0, 0, 0, 0, time.UTC), ok
}

// listingArticles walks a listing through its "next page" links and
// returns the article links found, checking each page on the way.
func listingArticles(t *testing.T, ts *httptest.Server, start string) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	next := regexp.MustCompile(`<a href="([^"]*)" title="[^"]*" rel="next">`)
	usDate := regexp.MustCompile(`<span class="field-content">\d\d/\d\d/\d{4}</span>`)
	path := start
	for pages := 0; path != ""; pages++ {
		if pages > 20 {
			t.Fatalf("%s: more than 20 pages", start)
		}
		resp, body := get(t, ts, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		rows := strings.Count(body, `<div class="views-row">`)
		if rows == 0 || rows > PageSize {
			t.Errorf("%s: %d rows, want 1..%d", path, rows, PageSize)
		}
		if n := len(usDate.FindAllString(body, -1)); n != rows {
			t.Errorf("%s: %d US-style dates for %d rows", path, n, rows)
		}
		for _, h := range links(body) {
			if sectionPath.MatchString(h) && strings.Contains(body, `<h3 class="field-content"><a href="`+h+`"`) {
				found[h] = true
			}
		}
		path = ""
		if m := next.FindStringSubmatch(body); m != nil {
			u, err := url.Parse(ts.URL + start)
			if err != nil {
				t.Fatal(err)
			}
			ref, _ := url.Parse(html.UnescapeString(m[1]))
			r := u.ResolveReference(ref)
			path = r.RequestURI()
		}
	}
	return found
}

func TestListingsReachEveryArticle(t *testing.T) {
	s, ts := newServer(t)
	found := map[string]bool{}
	for _, l := range []string{"/fr/news", "/fr/stories", "/fr/press-releases", "/fr/events", "/en/news", "/ar/news"} {
		for p := range listingArticles(t, ts, l) {
			found[p] = true
		}
	}
	for _, a := range s.Articles() {
		if !found[a.Path] {
			t.Errorf("%s not reachable from its listing", a.Path)
		}
	}
	// Each tag page lists every article with that tag.
	tagged := map[string][]string{}
	for _, a := range s.articles {
		for _, slug := range a.tagSlugs {
			tp := "/" + a.Lang + "/tags/" + slug
			tagged[tp] = append(tagged[tp], a.Path)
		}
	}
	for tp, paths := range tagged {
		got := listingArticles(t, ts, tp)
		for _, p := range paths {
			if !got[p] {
				t.Errorf("tag page %s misses %s", tp, p)
			}
		}
	}
}

func TestPagination(t *testing.T) {
	_, ts := newServer(t)
	_, first := get(t, ts, "/fr/news")
	if !strings.Contains(first, `href="?page=1" title="page suivante ›" rel="next">page suivante ›</a>`) {
		t.Error("/fr/news: no link to ?page=1 labelled page suivante")
	}
	if strings.Contains(first, `rel="prev"`) {
		t.Error("/fr/news: first page has a previous link")
	}
	_, second := get(t, ts, "/fr/news?page=1")
	if !strings.Contains(second, `href="?page=0"`) || !strings.Contains(second, `rel="prev"`) {
		t.Error("/fr/news?page=1: no link back to the first page")
	}
	if first == second {
		t.Error("page 0 and page 1 are the same")
	}
	_, zero := get(t, ts, "/fr/news?page=0")
	if zero != first {
		t.Error("/fr/news?page=0 differs from /fr/news")
	}
	for _, p := range []string{"/fr/news?page=99", "/fr/news?page=-1", "/fr/news?page=abc"} {
		if resp, _ := get(t, ts, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %s, want 404", p, resp.Status)
		}
	}
}

func TestSitemapAndRobots(t *testing.T) {
	s, ts := newServer(t)
	resp, body := get(t, ts, "/robots.txt")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("robots.txt: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"User-agent: *\n", "Disallow: /admin/\n", "Disallow: /user/\n", "Sitemap: " + ts.URL + "/sitemap.xml\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("robots.txt lacks %q:\n%s", want, body)
		}
	}

	resp, body = get(t, ts, "/sitemap.xml")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sitemap.xml: %s", resp.Status)
	}
	var sm struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(body), &sm); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	locs := map[string]bool{}
	for _, u := range sm.URLs {
		locs[u.Loc] = true
	}
	for _, a := range s.Articles() {
		if !locs[ts.URL+a.Path] {
			t.Errorf("sitemap lacks %s", ts.URL+a.Path)
		}
	}
	if len(sm.URLs) != len(s.Articles()) {
		t.Errorf("sitemap has %d URLs, want %d", len(sm.URLs), len(s.Articles()))
	}
}

func TestConditionalGet(t *testing.T) {
	s, ts := newServer(t)
	a := s.Articles()[0]
	resp, body := get(t, ts, a.Path)
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("%s: ETag %q, Last-Modified %q", a.Path, etag, lm)
	}
	if _, again := get(t, ts, a.Path); again != body {
		t.Error("the same article renders differently twice")
	}
	if resp, _ := get(t, ts, a.Path, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %s, want 304", etag, resp.Status)
	}
	if resp, _ := get(t, ts, a.Path, "If-None-Match", `"other"`); resp.StatusCode != http.StatusOK {
		t.Errorf("If-None-Match other: %s, want 200", resp.Status)
	}
	if resp, _ := get(t, ts, a.Path, "If-Modified-Since", lm); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since %s: %s, want 304", lm, resp.Status)
	}
	old := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	if resp, _ := get(t, ts, a.Path, "If-Modified-Since", old); resp.StatusCode != http.StatusOK {
		t.Errorf("If-Modified-Since %s: %s, want 200", old, resp.Status)
	}
}

func TestSpecialPages(t *testing.T) {
	s, ts := newServer(t)
	if resp, _ := get(t, ts, "/fr/news/no-such-article"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown article: %s, want 404", resp.Status)
	}
	if resp, _ := get(t, ts, "/nowhere"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %s, want 404", resp.Status)
	}
	if resp, body := get(t, ts, PDFPath); resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Errorf("PDF: %s %q", resp.Header.Get("Content-Type"), body[:min(len(body), 10)])
	}
	for from, to := range s.Redirects() {
		resp, _ := get(t, ts, from)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != to {
			t.Errorf("GET %s: %s to %q, want 301 to %q", from, resp.Status, resp.Header.Get("Location"), to)
		}
	}
	_, cal := get(t, ts, CalendarPath+"?month=41")
	if !strings.Contains(cal, `href="/fr/calendar?month=42"`) {
		t.Error("calendar month 41 does not link to month 42")
	}
	if resp, _ := get(t, ts, AdminPath); resp.StatusCode != http.StatusOK {
		t.Errorf("admin: %s", resp.Status)
	}
	_, res := get(t, ts, ResourcesPath)
	for _, want := range []string{PDFPath, ExternalURL, OldNewsPath, CalendarPath + "?month=1", BrokenPath, AdminPath, "utm_source=", "/fr/node/"} {
		if !strings.Contains(html.UnescapeString(res), `href="`+want) && !strings.Contains(html.UnescapeString(res), want) {
			t.Errorf("resources page lacks a link to %s", want)
		}
	}
	_, broken := get(t, ts, BrokenPath)
	if strings.Contains(broken, "</html>") || !strings.Contains(broken, "<TD>") {
		t.Error("broken page is not broken")
	}
	// Tracking and node URLs serve an article whose canonical is the clean path.
	a := "/fr/stories/lina-17-ans-ingenieure"
	if _, body := get(t, ts, a+"?utm_source=newsletter&utm_medium=email"); !strings.Contains(body, `rel="canonical" href="`+ts.URL+a+`"`) {
		t.Error("utm URL: canonical is not the clean URL")
	}
	node := regexp.MustCompile(`href="(/fr/node/\d+)"`).FindStringSubmatch(res)
	if node == nil {
		t.Fatal("no node link on the resources page")
	}
	if _, body := get(t, ts, node[1]); !strings.Contains(body, `rel="canonical" href="`+ts.URL+"/fr/press-releases/rapport-annuel-2024-chiffres-cles"+`"`) {
		t.Errorf("%s: canonical is not the alias", node[1])
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/fr/news", nil)
	if resp, err := ts.Client().Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v %v", resp, err)
	}
	s.ResetHits()
	get(t, ts, "/fr/news")
	get(t, ts, "/fr/news?page=1")
	if n := s.Hits("/fr/news"); n != 2 {
		t.Errorf("Hits(/fr/news) = %d, want 2", n)
	}
}

// TestPathsAndLinks fetches every page of Paths and follows every internal
// link on it: none may be broken.
func TestPathsAndLinks(t *testing.T) {
	s, ts := newServer(t)
	checked := map[string]int{}
	status := func(p string) int {
		if st, ok := checked[p]; ok {
			return st
		}
		resp, _ := get(t, ts, p)
		checked[p] = resp.StatusCode
		return resp.StatusCode
	}
	base, _ := url.Parse(ts.URL)
	for _, p := range s.Paths() {
		resp, body := get(t, ts, p)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %s %s", p, resp.Status, resp.Header.Get("Content-Type"))
			continue
		}
		page := base.ResolveReference(&url.URL{Path: strings.SplitN(p, "?", 2)[0]})
		for _, h := range links(body) {
			ref, err := url.Parse(h)
			if err != nil {
				t.Errorf("%s: bad link %q", p, h)
				continue
			}
			u := page.ResolveReference(ref)
			if u.Host != base.Host || u.Scheme != "http" || ref.Path == "" && ref.RawQuery == "" {
				continue
			}
			if st := status(u.RequestURI()); st != http.StatusOK && st != http.StatusMovedPermanently {
				t.Errorf("%s: link %q answers %d", p, h, st)
			}
		}
	}
	// Every boilerplate phrase of the layout is on the other pages too.
	_, home := get(t, ts, "/")
	for _, p := range s.BoilerplateFor("fr") {
		if p != siteLabels["fr"].Related && !strings.Contains(html.UnescapeString(home), p) {
			t.Errorf("home page lacks boilerplate %q", p)
		}
	}
}
