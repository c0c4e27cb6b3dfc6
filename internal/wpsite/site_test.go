package wpsite

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

func newServer(t *testing.T) (*Site, *httptest.Server) {
	t.Helper()
	s := New()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

var (
	hrefRE     = regexp.MustCompile(`<a [^>]*href="([^"]*)"`)
	altRE      = regexp.MustCompile(`<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">`)
	ldRE       = regexp.MustCompile(`(?s)<script type="application/ld\+json"[^>]*>(.*?)</script>`)
	headerRE   = regexp.MustCompile(`(?s)<header class="entry-header">(.*?)</header>`)
	tagRE      = regexp.MustCompile(`<[^>]*>`)
	teaserRE   = regexp.MustCompile(`(?s)<h2 class="entry-title"><a href="([^"]+)" rel="bookmark">.*?<span class="posted-on"><a [^>]*>([^<]+)</a>`)
	nextPageRE = regexp.MustCompile(`<a class="next page-numbers" href="([^"]+)">`)
)

// links returns the decoded href values of the <a> elements of page.
func links(page string) []string {
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// localPath resolves href against the page at from and returns its path,
// or "" for another host or a fragment.
func localPath(t *testing.T, ts *httptest.Server, from, href string) string {
	t.Helper()
	base, _ := url.Parse(ts.URL + from)
	u, err := base.Parse(href)
	if err != nil {
		t.Fatalf("%s: bad href %q: %v", from, href, err)
	}
	if u.Host != base.Host || (u.Path == base.Path && u.Fragment != "") {
		return ""
	}
	return u.Path
}

func TestGroundTruth(t *testing.T) {
	s := New()
	posts := s.Posts()
	bySource := map[string]int{}
	byLang := map[string]int{}
	seen := map[string]bool{}
	long := 0
	for i, p := range posts {
		bySource[p.DateSource]++
		byLang[p.Lang]++
		if seen[p.Path] {
			t.Errorf("%s: duplicate path", p.Path)
		}
		seen[p.Path] = true
		if i > 0 && p.Published.After(posts[i-1].Published) {
			t.Errorf("%s: Posts not newest first", p.Path)
		}
		if n := len(p.Body); n < 3 {
			t.Errorf("%s: %d blocks, want at least 3", p.Path, n)
		} else if n >= 30 {
			long++
		}
		if p.Description == "" || !strings.HasPrefix(p.Body[0], strings.TrimSuffix(p.Description, " […]")) {
			t.Errorf("%s: Description %q is not the lead", p.Path, p.Description)
		}
		if !p.Updated.IsZero() && !p.Updated.After(p.Published) {
			t.Errorf("%s: Updated %v not after Published %v", p.Path, p.Updated, p.Published)
		}
		for _, h := range p.Headings {
			if !slices.Contains(p.Body, h) {
				t.Errorf("%s: heading %q not in Body", p.Path, h)
			}
		}
	}
	for _, src := range dateSources {
		if bySource[src] < 4 {
			t.Errorf("DateSource %q: %d posts, want at least 4", src, bySource[src])
		}
	}
	if byLang["fr"] < 38 || byLang["en"] != 5 || byLang["ar"] != 4 {
		t.Errorf("posts per language = %v, want about 40 fr, 5 en, 4 ar", byLang)
	}
	if long == 0 {
		t.Error("no post has 30 blocks or more")
	}
	smallDay := 0
	for _, p := range posts {
		if p.DateSource == "numeric" && p.Published.Day() <= 12 {
			smallDay++
		}
	}
	if smallDay < 3 {
		t.Errorf("%d numeric posts on a day ≤ 12, want at least 3 (so that day/month order matters)", smallDay)
	}
	if got := New().Posts(); !cmp.Equal(got, posts) {
		t.Errorf("New is not deterministic: %s", cmp.Diff(posts, got))
	}
}

func TestTaggedJeunesseWithoutTheWord(t *testing.T) {
	n := 0
	for _, p := range New().Posts() {
		if !slices.Contains(p.Tags, "Jeunesse") {
			continue
		}
		text := strings.ToLower(p.Title + " " + strings.Join(p.Body, " "))
		if !strings.Contains(text, "jeunesse") {
			n++
		}
	}
	if n < 3 {
		t.Errorf("%d posts tagged Jeunesse without the word, want at least 3", n)
	}
}

func TestEveryLinkResolves(t *testing.T) {
	s, ts := newServer(t)
	types := s.Types()
	status := map[string]int{}
	check := func(from, path string) {
		if _, ok := status[path]; !ok {
			resp, _ := get(t, ts, path)
			status[path] = resp.StatusCode
		}
		switch {
		case path == DeadLinkPath:
			if status[path] != http.StatusNotFound {
				t.Errorf("%s → %s: %d, want 404", from, path, status[path])
			}
		case types[path] == "":
			t.Errorf("%s → %s: not in Types (status %d)", from, path, status[path])
		case status[path] != http.StatusOK:
			t.Errorf("%s → %s: %d, want 200", from, path, status[path])
		}
	}
	for _, from := range s.Paths() {
		resp, body := get(t, ts, from)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s", from, resp.Status)
			continue
		}
		for _, href := range links(body) {
			if p := localPath(t, ts, from, href); p != "" {
				check(from, p)
			}
		}
		for _, m := range altRE.FindAllStringSubmatch(body, -1) {
			if p := localPath(t, ts, from, m[2]); p != "" {
				check(from, p)
			} else {
				t.Errorf("%s: hreflang link %s on another host", from, m[2])
			}
		}
	}
}

func TestReachableFromHome(t *testing.T) {
	s, ts := newServer(t)
	types := s.Types()
	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	for len(queue) > 0 {
		from := queue[0]
		queue = queue[1:]
		if types[from] == "document" {
			continue
		}
		_, body := get(t, ts, from)
		for _, href := range links(body) {
			p := localPath(t, ts, from, href)
			if p == "" || seen[p] || types[p] == "" {
				continue
			}
			seen[p] = true
			queue = append(queue, p)
		}
	}
	for path := range types {
		if !seen[path] {
			t.Errorf("%s (%s) is not reachable from /", path, types[path])
		}
	}
}

func TestTypesServed(t *testing.T) {
	s, ts := newServer(t)
	types := s.Types()
	html := 0
	for path, typ := range types {
		resp, _ := get(t, ts, path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s (%s): %s", path, typ, resp.Status)
		}
		if typ != "document" {
			html++
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s: Content-Type %q", path, resp.Header.Get("Content-Type"))
			}
		}
		if !slices.Contains([]string{"article", "listing", "static", "document"}, typ) {
			t.Errorf("%s: type %q", path, typ)
		}
	}
	paths := s.Paths()
	if html != len(paths) {
		t.Errorf("Types has %d HTML paths, Paths %d", html, len(paths))
	}
	for _, p := range paths {
		if types[p] == "" || types[p] == "document" {
			t.Errorf("Paths has %s, typed %q", p, types[p])
		}
	}
	for _, p := range s.Posts() {
		if types[p.Path] != "article" {
			t.Errorf("%s: type %q, want article", p.Path, types[p.Path])
		}
	}
	for _, p := range []string{"/", "/en/", "/ar/", "/page/2/", "/category/actualites/", "/category/actualites/page/2/", "/tag/jeunesse/", "/tag/partenariats/page/2/", "/author/redaction/", "/2021/10/"} {
		if types[p] != "listing" {
			t.Errorf("%s: type %q, want listing", p, types[p])
		}
	}
	for _, p := range []string{"/a-propos/", "/contact/", "/mentions-legales/", "/partenaires/"} {
		if types[p] != "static" {
			t.Errorf("%s: type %q, want static", p, types[p])
		}
	}
}

// TestListings walks every listing through its "next" links and checks
// the teasers: each post of the listing once, newest first, each showing
// its post's day in the listing's format.
func TestListings(t *testing.T) {
	s, ts := newServer(t)
	byPath := map[string]Post{}
	for _, p := range s.Posts() {
		byPath[p.Path] = p
	}
	for _, l := range s.lists {
		var got []string
		page := l.path
		for n := 1; page != ""; n++ {
			resp, body := get(t, ts, page)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %s", page, resp.Status)
			}
			if want := l.pagePath(n); page != want {
				t.Errorf("page %d of %s is %s, want %s", n, l.path, page, want)
			}
			main := body[strings.Index(body, `<main`):strings.Index(body, `</main>`)]
			if strings.Contains(main, "datetime=") || strings.Contains(body, "datePublished") || strings.Contains(body, "article:published_time") {
				t.Errorf("%s: a listing carries a machine-readable date", page)
			}
			teasers := teaserRE.FindAllStringSubmatch(main, -1)
			if len(teasers) == 0 || len(teasers) > PageSize {
				t.Errorf("%s: %d teasers", page, len(teasers))
			}
			for _, m := range teasers {
				p := byPath[m[1]]
				got = append(got, m[1])
				want := siteLabels[p.Lang].longDate(p.Published)
				switch {
				case l.kind == "tag" && l.lang == "fr":
					want = numericDate(p.Published)
				case l.kind == "author":
					want = abbrDate(p.Published)
				}
				if d := html.UnescapeString(m[2]); d != want {
					t.Errorf("%s: teaser of %s shows %q, want %q", page, p.Path, d, want)
				}
			}
			page = ""
			if m := nextPageRE.FindStringSubmatch(main); m != nil {
				page = m[1]
			}
		}
		var want []string
		for _, p := range l.items {
			want = append(want, p.Path)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: teasers (-want +got):\n%s", l.path, diff)
		}
		if resp, _ := get(t, ts, l.pagePath(l.pages()+1)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: page past the end: %s, want 404", l.pagePath(l.pages()+1), resp.Status)
		}
	}
	for path, want := range map[string]string{"/page/1/": "/", "/category/actualites/page/1/": "/category/actualites/", "/a-propos": "/a-propos/", "/caravane-sante-gafsa": "/caravane-sante-gafsa/"} {
		resp, _ := get(t, ts, path)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("%s: %s → %q, want 301 → %s", path, resp.Status, resp.Header.Get("Location"), want)
		}
	}
	// The home's pager, in WordPress markup.
	_, body := get(t, ts, "/")
	for _, want := range []string{`<nav class="navigation pagination"`, `<a class="page-numbers" href="/page/2/">2</a>`, `<a class="next page-numbers" href="/page/2/">Suivant</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("/: no %s", want)
		}
	}
}

// graphDates returns the datePublished values of the JSON-LD graph of
// page, and whether the script parsed.
func graphDates(page string) ([]string, bool) {
	m := ldRE.FindStringSubmatch(page)
	if m == nil {
		return nil, true
	}
	var ld struct {
		Graph []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		return nil, false
	}
	var out []string
	for _, n := range ld.Graph {
		if d, ok := n["datePublished"].(string); ok {
			out = append(out, d)
		}
	}
	return out, true
}

// TestDateSources checks that each post page gives its date the way its
// DateSource says, and in no other way.
func TestDateSources(t *testing.T) {
	s, ts := newServer(t)
	for _, p := range s.Posts() {
		_, body := get(t, ts, p.Path)
		l := siteLabels[p.Lang]
		m := headerRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no entry header", p.Path)
		}
		header := html.UnescapeString(tagRE.ReplaceAllString(m[1], " "))
		ldDates, ldOK := graphDates(body)
		timeAttr := `<time class="entry-date published" datetime="` + p.Published.Format(time.RFC3339) + `"`
		has := map[string]bool{
			"time":    strings.Contains(body, `<time class="entry-date published"`),
			"jsonld":  len(ldDates) > 0,
			"meta":    strings.Contains(body, `property="article:published_time"`),
			"prose":   strings.Contains(header, l.longDate(p.Published)) || strings.Contains(header, abbrDate(p.Published)),
			"numeric": strings.Contains(header, numericDate(p.Published)),
		}
		if p.Path == MalformedJSONLDPath {
			if ldOK {
				t.Errorf("%s: JSON-LD parses", p.Path)
			}
			if !strings.Contains(body, `"datePublished"`) {
				t.Errorf("%s: broken JSON-LD without datePublished", p.Path)
			}
		} else if !ldOK {
			t.Errorf("%s: JSON-LD does not parse", p.Path)
		}
		want := map[string]bool{p.DateSource: true}
		if p.DateSource == "time" {
			want["prose"] = true // the <time> text is the long date
		}
		if p.Path == ConflictingDatesPath {
			want["time"] = true
			if strings.Contains(body, timeAttr) {
				t.Errorf("%s: the <time> agrees with the JSON-LD", p.Path)
			}
		}
		for _, src := range []string{"time", "jsonld", "meta", "prose", "numeric"} {
			if has[src] != want[src] {
				t.Errorf("%s (source %s): date as %s = %v, want %v", p.Path, p.DateSource, src, has[src], want[src])
			}
		}
		switch p.DateSource {
		case "time":
			if !strings.Contains(body, timeAttr) {
				t.Errorf("%s: no %s", p.Path, timeAttr)
			}
		case "jsonld":
			if want := p.Published.UTC().Format("2006-01-02T15:04:05+00:00"); !slices.Contains(ldDates, want) {
				t.Errorf("%s: JSON-LD dates %v, want %s", p.Path, ldDates, want)
			}
		case "meta":
			if want := `content="` + p.Published.Format(time.RFC3339) + `"`; !strings.Contains(body, want) {
				t.Errorf("%s: no meta %s", p.Path, want)
			}
		}
	}
}

func TestHreflangReciprocal(t *testing.T) {
	s, ts := newServer(t)
	alts := map[string]map[string]string{} // path → hreflang → path
	n := map[string]int{}
	for _, p := range s.Posts() {
		_, body := get(t, ts, p.Path)
		got := map[string]string{}
		for _, m := range altRE.FindAllStringSubmatch(body, -1) {
			got[m[1]] = strings.TrimPrefix(m[2], ts.URL)
		}
		if p.Translations == nil {
			if len(got) != 0 {
				t.Errorf("%s: hreflang links %v without translations", p.Path, got)
			}
			continue
		}
		n[p.Lang]++
		alts[p.Path] = got
		if got["x-default"] != p.Translations["fr"] {
			t.Errorf("%s: x-default %q, want %q", p.Path, got["x-default"], p.Translations["fr"])
		}
		for lang, path := range p.Translations {
			if got[siteLabels[lang].HTMLLang] != path {
				t.Errorf("%s: hreflang %s = %q, want %q", p.Path, lang, got[siteLabels[lang].HTMLLang], path)
			}
			if !strings.Contains(body, `hreflang="`+siteLabels[lang].HTMLLang+`" href="`+path+`">`) {
				t.Errorf("%s: the language switcher does not link %s", p.Path, path)
			}
		}
	}
	for from, m := range alts {
		for lang, to := range m {
			if back := alts[to]; back == nil || back[lang] != to || !slices.Contains(slices.Collect(maps.Values(back)), from) {
				t.Errorf("%s → %s (%s) is not reciprocal: %v", from, to, lang, back)
			}
		}
	}
	if n["fr"] < 3 || n["en"] < 3 || n["ar"] < 3 {
		t.Errorf("translated posts per language = %v, want at least 3 each", n)
	}
}

func TestConditionalGet(t *testing.T) {
	s, ts := newServer(t)
	p := s.Posts()[0]
	resp, body := get(t, ts, p.Path)
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("%s: ETag %q, Last-Modified %q", p.Path, etag, lm)
	}
	if _, again := get(t, ts, p.Path); again != body {
		t.Error("the same post renders differently twice")
	}
	if resp, _ := get(t, ts, p.Path, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %s, want 304", etag, resp.Status)
	}
	if resp, _ := get(t, ts, p.Path, "If-None-Match", `"other"`); resp.StatusCode != http.StatusOK {
		t.Errorf("If-None-Match other: %s, want 200", resp.Status)
	}
	if resp, _ := get(t, ts, p.Path, "If-Modified-Since", lm); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since %s: %s, want 304", lm, resp.Status)
	}
	old := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	if resp, _ := get(t, ts, p.Path, "If-Modified-Since", old); resp.StatusCode != http.StatusOK {
		t.Errorf("If-Modified-Since %s: %s, want 200", old, resp.Status)
	}
}

func TestSpecialPaths(t *testing.T) {
	s, ts := newServer(t)
	resp, body := get(t, ts, "/robots.txt")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Disallow: /wp-admin/") || strings.Contains(body, "Sitemap") {
		t.Errorf("/robots.txt: %s %q", resp.Status, body)
	}
	for _, p := range []string{"/sitemap.xml", "/wp-sitemap.xml", "/nulle-part/", "/en/nowhere/", DeadLinkPath, "/category/inconnue/"} {
		resp, body := get(t, ts, p)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %s, want 404", p, resp.Status)
		}
		if strings.HasPrefix(p, "/en/") {
			continue
		}
		if !strings.Contains(body, "Page introuvable") || !strings.Contains(body, `class="error404"`) {
			t.Errorf("%s: not the theme's 404 page", p)
		}
	}
	if resp, _ := get(t, ts, AdminPath); resp.StatusCode != http.StatusOK || resp.Header.Get("X-Robots-Tag") == "" {
		t.Errorf("%s: %s, X-Robots-Tag %q", AdminPath, resp.Status, resp.Header.Get("X-Robots-Tag"))
	}
	if n := s.Hits(AdminPath); n != 1 {
		t.Errorf("Hits(%s) = %d, want 1", AdminPath, n)
	}
	s.ResetHits()
	if n := s.Hits(AdminPath); n != 0 {
		t.Errorf("Hits after ResetHits = %d", n)
	}
	// Static pages: no date, no tags; og:type website on some only.
	og := 0
	for p := range s.statics {
		_, body := get(t, ts, p)
		for _, bad := range []string{"datetime=", "datePublished", "article:published_time", `rel="tag"`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: static page has %s", p, bad)
			}
		}
		if strings.Contains(body, `og:type" content="website"`) {
			og++
		}
	}
	if og == 0 || og == len(s.statics) {
		t.Errorf("%d of %d static pages have og:type website, want some", og, len(s.statics))
	}
}

func TestPDFs(t *testing.T) {
	s, ts := newServer(t)
	pdfs := s.PDFs()
	kinds := map[string]int{}
	var site strings.Builder
	for _, p := range s.Paths() {
		_, body := get(t, ts, p)
		site.WriteString(strings.ToLower(body))
	}
	for _, f := range pdfs {
		kinds[f.Kind]++
		resp, body := get(t, ts, f.Path)
		wantCT := "application/pdf"
		if f.Kind == "mislabelled" {
			wantCT = "text/html; charset=UTF-8"
		}
		if ct := resp.Header.Get("Content-Type"); ct != wantCT {
			t.Errorf("%s: Content-Type %q, want %q", f.Path, ct, wantCT)
		}
		if lm := resp.Header.Get("Last-Modified"); lm != f.Created.UTC().Format(http.TimeFormat) {
			t.Errorf("%s: Last-Modified %q, want %v", f.Path, lm, f.Created)
		}
		if want := "/CreationDate (D:" + f.Created.UTC().Format("20060102150405") + ")"; f.Kind != "broken" && !strings.Contains(body, want) {
			t.Errorf("%s: no %s", f.Path, want)
		}
		if !strings.HasPrefix(body, "%PDF-") {
			t.Errorf("%s: not a PDF", f.Path)
		}
		if len(f.CitedBy) == 0 {
			t.Errorf("%s: linked from no post", f.Path)
		}
		if f.Word != "" && strings.Contains(site.String(), strings.ToLower(f.Word)) {
			t.Errorf("%s: word %q appears on an HTML page", f.Path, f.Word)
		}
		if f.Kind == "text" || f.Kind == "mislabelled" {
			if f.Word == "" {
				t.Errorf("%s: no Word", f.Path)
			}
		}
	}
	if kinds["text"] < 3 || kinds["scanned"] != 1 || kinds["broken"] != 1 || kinds["mislabelled"] != 1 {
		t.Errorf("PDF kinds = %v", kinds)
	}
	again, err := buildPDFs()
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range s.pdfs {
		if !bytes.Equal(f.body, again[i].body) {
			t.Errorf("%s: not deterministic", f.Path)
		}
	}

	t.Run("pdftotext", func(t *testing.T) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext not on PATH (install poppler-utils): PDF text extraction not checked")
		}
		dir := t.TempDir()
		for _, f := range s.pdfs {
			file := filepath.Join(dir, filepath.Base(f.Path))
			if err := os.WriteFile(file, f.body, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftotext", "-q", file, "-").Output()
			text := string(out)
			switch f.Kind {
			case "broken":
				if err == nil && strings.TrimSpace(text) != "" {
					t.Errorf("%s: broken PDF extracts %q", f.Path, text)
				}
				continue
			case "scanned":
				if err != nil || strings.TrimSpace(text) != "" {
					t.Errorf("%s: scanned PDF: err %v, text %q", f.Path, err, text)
				}
				continue
			}
			if err != nil {
				t.Errorf("pdftotext %s: %v", f.Path, err)
				continue
			}
			if !strings.Contains(text, f.Word) {
				t.Errorf("%s: text lacks %q:\n%s", f.Path, f.Word, text)
			}
			if first := strings.Fields(f.Title)[0]; !strings.Contains(text, first) {
				t.Errorf("%s: text lacks the title word %q (accents?):\n%s", f.Path, first, text)
			}
			if !strings.ContainsAny(text, "éèàç") {
				t.Errorf("%s: no accented letter in the text:\n%s", f.Path, text)
			}
			info, err := exec.Command("pdfinfo", file).Output()
			if err == nil && !strings.Contains(string(info), f.Title) {
				t.Errorf("%s: pdfinfo has no Title %q:\n%s", f.Path, f.Title, info)
			}
		}
	})
}
